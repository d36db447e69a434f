from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "decision.accounts"
    verbose_name = "Accounts and sign-in"

    def ready(self) -> None:
        from decision.accounts import sessions  # noqa: F401  (connects the user signals)
