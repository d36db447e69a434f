from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "decision.board"
    verbose_name = "Tumor board"

    def ready(self) -> None:
        from decision.audit import registry
        from decision.board import integrity
        from decision.board.models import BoardDecision

        registry.register_records(
            registry.RecordKind(BoardDecision, "board.decision_recorded", "board_decision")
        )
        registry.register_integrity_check(
            "current assessments (the board queue)", integrity.current_assessment_problems
        )
