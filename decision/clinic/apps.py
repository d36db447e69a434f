from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "decision.clinic"
    verbose_name = "Patients and assessments"

    def ready(self) -> None:
        from decision.audit import registry
        from decision.clinic import selectors
        from decision.clinic.models import Assessment, Patient

        registry.register_records(registry.RecordKind(Patient, "patient.created", "patient"))
        registry.register_records(
            registry.RecordKind(Assessment, "assessment.created", "assessment")
        )
        registry.register_patient_names(selectors.patient_names)
