"""Reset a user's two-factor sign-in from the command line, for an administrator who lost
their phone and their recovery codes when no other administrator can do it in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from decision.accounts.services import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and recovery codes and end their sessions; at "
        "their next login they set up two-factor sign-in again. Recorded in the audit log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="NAME", help="Login name of the user.")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user is called {username!r}; nothing was changed.") from None
        two_factor_reset(user=user, administrator=None)
        self.stdout.write(
            f"Two-factor sign-in reset for {user.get_username()}: they set up an "
            "authenticator app at their next login."
        )
