"""Create the first administrator, once, with a random password shown only then."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "If no administrator exists yet, create one with a random password and print the "
        "password once. Does nothing when an administrator already exists."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin", help="Login name (default: admin).")
        parser.add_argument(
            "--login-url",
            default="http://127.0.0.1:8000/",
            help="Address shown in the message (default: http://127.0.0.1:8000/).",
        )

    def handle(self, *args, username: str, login_url: str, **options) -> None:
        user_model = get_user_model()
        with transaction.atomic():
            if user_model.objects.filter(is_superuser=True).exists():
                self.stdout.write("An administrator account already exists; nothing to do.")
                return
            password = secrets.token_urlsafe(15)
            user_model.objects.create_superuser(username=username, email="", password=password)
        rule = "=" * 64
        self.stdout.write(
            f"{rule}\n"
            f"Administrator account created. This password is shown only once:\n\n"
            f"    username: {username}\n"
            f"    password: {password}\n\n"
            f"Log in at {login_url} and change it under Administration.\n"
            f"{rule}"
        )
