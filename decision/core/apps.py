from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "decision.core"
    verbose_name = "Core"
