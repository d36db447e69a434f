from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "decision.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from decision.core import checks  # noqa: F401  (registers the deployment checks)
