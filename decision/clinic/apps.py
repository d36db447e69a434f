from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "decision.clinic"
    verbose_name = "Patients and assessments"

    def ready(self) -> None:
        from decision.audit import registry
        from decision.clinic import integrity, selectors

        registry.register_integrity_check(
            "current assessments (the board queue)", integrity.current_assessment_problem
        )
        registry.register_patient_lookup(selectors.patient_id_for_mrn)
