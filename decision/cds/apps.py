from django.apps import AppConfig


class CdsConfig(AppConfig):
    name = "decision.cds"
    label = "cds"
    verbose_name = "CDS Hooks"
