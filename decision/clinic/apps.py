from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "decision.clinic"
    verbose_name = "Patients and assessments"

    def ready(self) -> None:
        from decision.audit import registry
        from decision.clinic import selectors

        registry.register_patients(
            lookup=selectors.patient_id_for_mrn, names=selectors.patient_names
        )
