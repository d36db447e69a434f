from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "decision.api"
    verbose_name = "API"
