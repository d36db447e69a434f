from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "decision.clinic"
    verbose_name = "Patients and assessments"
