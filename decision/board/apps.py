from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "decision.board"
    verbose_name = "Tumor board"
