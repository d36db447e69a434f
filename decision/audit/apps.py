from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "decision.audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from decision.audit import signals  # noqa: F401  (connects the login signals)
