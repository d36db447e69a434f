from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "decision.accounts"
    verbose_name = "Accounts and sign-in"

    def ready(self) -> None:
        # Connect the receivers: sessions end with the account's password or activity, and
        # the login lockout's count is forgotten once a login is complete.
        from decision.accounts import lockout, sessions  # noqa: F401
