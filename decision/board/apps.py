from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "decision.board"
    verbose_name = "Tumor board"

    def ready(self) -> None:
        from decision.audit import registry
        from decision.board import integrity

        registry.register_integrity_check(
            "current assessments (the board queue)", integrity.current_assessment_problem
        )
