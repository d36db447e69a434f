"""Check that the current-assessment rows agree with the assessments they are derived from."""

from __future__ import annotations

from decision.clinic.models import Assessment, CurrentAssessment

BATCH = 5000


def current_assessment_problem() -> tuple[int, str | None]:
    """Recompute each patient's current assessment from the assessments and decisions,
    compare with the stored rows; return the number of rows and the first disagreement."""
    latest: dict[object, object] = {}
    rows = Assessment.objects.order_by("patient_id", "created_at").values_list("patient_id", "pk")
    for patient_id, assessment_id in rows.iterator(chunk_size=BATCH):
        latest[patient_id] = assessment_id
    decided = set(
        Assessment.objects.filter(board_decisions__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    count = 0
    stored = CurrentAssessment.objects.order_by("patient_id").values_list(
        "patient_id", "assessment_id", "awaiting_board_decision"
    )
    for patient_id, assessment_id, awaiting in stored.iterator(chunk_size=BATCH):
        count += 1
        expected = latest.pop(patient_id, None)
        if expected != assessment_id:
            return count, f"patient {patient_id}: the current assessment is not the latest one"
        if awaiting == (assessment_id in decided):
            state = "awaits a decision" if awaiting else "is marked decided"
            return count, f"patient {patient_id}: the current assessment {state}, wrongly"
    if latest:
        patient_id = next(iter(latest))
        return count, f"patient {patient_id}: has assessments but no current assessment"
    return count, None
