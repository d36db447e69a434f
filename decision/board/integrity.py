"""Check that the board queue's rows agree with the assessments and decisions they are
derived from (run by ``verify_audit``)."""

from __future__ import annotations

from decision.audit.registry import Problem
from decision.board.models import BoardDecision, Outcome
from decision.clinic.models import Assessment, CurrentAssessment

BATCH = 5000
TABLE = CurrentAssessment._meta.db_table


def current_assessment_problems() -> tuple[int, list[Problem]]:
    """Recompute each patient's current assessment, and whether it waits for the board
    (no decision yet, or the latest defers it), compare with the stored rows; return the
    number of rows and every disagreement."""
    latest: dict[object, object] = {}
    rows = Assessment.objects.order_by("patient_id", "created_at").values_list("patient_id", "pk")
    for patient_id, assessment_id in rows.iterator(chunk_size=BATCH):
        latest[patient_id] = assessment_id
    outcomes = dict(
        BoardDecision.objects.latest_only().values_list("assessment_id", "outcome").iterator()
    )
    count, problems = 0, []
    stored = CurrentAssessment.objects.order_by("patient_id").values_list(
        "patient_id", "assessment_id", "awaiting_board_decision", "deferred"
    )
    for patient_id, assessment_id, awaiting, deferred in stored.iterator(chunk_size=BATCH):
        count += 1
        row = f"patient {patient_id}"
        if latest.pop(patient_id, None) != assessment_id:
            problems.append(Problem(TABLE, row, "the current assessment is not the latest one"))
            continue
        outcome = outcomes.get(assessment_id)
        if (awaiting, deferred) != (outcome in (None, Outcome.DEFER), outcome == Outcome.DEFER):
            problems.append(Problem(TABLE, row, "its place in the board's queue is wrong"))
    problems += [
        Problem(TABLE, f"patient {patient_id}", "has assessments but no current assessment")
        for patient_id in latest
    ]
    return count, problems
