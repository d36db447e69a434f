from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "decision.synthetic"
    verbose_name = "Synthetic patients"
