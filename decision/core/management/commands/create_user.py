"""Create a user in one role, with a password typed twice or generated and shown once."""

from __future__ import annotations

import getpass
import secrets
import sys
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from decision.core import roles


def _name_taken(username: str) -> CommandError:
    return CommandError(f"The user name {username!r} is already taken; nothing was changed.")


class Command(BaseCommand):
    help = (
        "Create an active user in exactly one role. The password is asked for twice, or "
        "with --generate-password created at random and printed once."
    )
    # Tests hand in a stand-in for standard input, as with Django's createsuperuser.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", metavar="NAME", help="Login name of the new user.")
        parser.add_argument(
            "--role", required=True, choices=roles.ROLES, help="The user's one role."
        )
        parser.add_argument("--first-name", default="", help="Given name (optional).")
        parser.add_argument("--last-name", default="", help="Family name (optional).")
        parser.add_argument("--email", default="", help="Email address (optional).")
        parser.add_argument(
            "--generate-password",
            action="store_true",
            help="Create a random password and print it once, instead of asking for one.",
        )

    def handle(
        self,
        *args: Any,
        username: str,
        role: str,
        first_name: str,
        last_name: str,
        email: str,
        generate_password: bool,
        **options: Any,
    ) -> None:
        user_model = get_user_model()
        user = user_model(
            username=user_model.normalize_username(username),
            first_name=first_name,
            last_name=last_name,
            email=user_model.objects.normalize_email(email),
        )
        self._check_details(user)
        if generate_password:
            password = secrets.token_urlsafe(15)
        else:
            password = self._ask_password(user, options.get("stdin") or sys.stdin)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
                user.groups.add(self._role_group(role))
        except IntegrityError:
            # Someone else took the name between the check and this write.
            raise _name_taken(user.username) from None

        if not generate_password:
            self.stdout.write(f"User {user.username!r} created with the role {role}.")
            return
        rule = "=" * 64
        self.stdout.write(
            f"{rule}\n"
            f"User created with the role {role}. This password is shown only once:\n\n"
            f"    username: {user.username}\n"
            f"    password: {password}\n\n"
            f"Give it to them privately; an administrator can change it under Administration.\n"
            f"{rule}"
        )

    def _check_details(self, user: AbstractBaseUser) -> None:
        """Refuse a malformed or taken name, or a malformed email, before any password is
        asked for, so nobody types a password only to be refused."""
        try:
            user._meta.get_field("username").run_validators(user.username)
            if user.email:
                validate_email(user.email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if type(user).objects.filter(username=user.username).exists():
            raise _name_taken(user.username)

    def _ask_password(self, user: AbstractBaseUser, stdin: IO[str] | None) -> str:
        """Ask twice until both entries match and pass the password rules, saying what is
        wrong each time. Refuses at once without a terminal, so scripts never hang."""
        if stdin is None or not stdin.isatty():
            raise CommandError(
                "Standard input is not a terminal, so no password can be asked for; "
                "use --generate-password."
            )
        while True:
            try:
                password = getpass.getpass("Password: ")
                again = getpass.getpass("Password (again): ")
            except (KeyboardInterrupt, EOFError):
                raise CommandError("Cancelled; no user was created.") from None
            if password != again:
                self.stderr.write("The two passwords differ; please try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                for message in error.messages:
                    self.stderr.write(message)
                continue
            return password

    def _role_group(self, role: str) -> Group:
        try:
            return Group.objects.get(name=role)
        except Group.DoesNotExist:
            raise CommandError(
                f"The role group {role!r} does not exist; run 'manage.py migrate'."
            ) from None
