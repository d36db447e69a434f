"""Each patient's current assessment: what the tumor-board queue reads."""

import importlib
import io

import pytest
from django.core.management import call_command
from django.db import connection

from decision.audit.integrity import verify_integrity
from decision.clinic import services
from decision.clinic.models import CurrentAssessment
from tests.factories import EXAMPLE_3_FINDINGS, make_assessment, make_decision, make_patient

pytestmark = pytest.mark.django_db


def current(patient) -> CurrentAssessment:
    return CurrentAssessment.objects.get(patient=patient)


def test_a_first_assessment_becomes_current_and_awaits_the_board(surgeon):
    patient = make_patient(surgeon)
    assessment = make_assessment(patient, surgeon)
    row = current(patient)
    assert row.assessment == assessment and row.awaiting_board_decision
    assert (row.recommendation_code, row.risk_group, row.intent) == (
        assessment.recommendation_code,
        assessment.risk_group,
        assessment.intent,
    )
    assert (row.created_at, row.encounter_date, row.created_by) == (
        assessment.created_at,
        assessment.encounter_date,
        surgeon,
    )


def test_a_correction_or_a_later_encounter_replaces_it(surgeon):
    patient = make_patient(surgeon)
    first = make_assessment(patient, surgeon)
    correction = make_assessment(patient, surgeon, supersedes=first, supersede_reason="typo")
    assert current(patient).assessment == correction
    later = make_assessment(patient, surgeon, findings=EXAMPLE_3_FINDINGS)
    assert current(patient).assessment == later
    assert CurrentAssessment.objects.count() == 1


def test_an_older_assessment_committed_late_does_not_replace_a_newer_one(surgeon):
    # Two assessments of one patient saved at the same moment: the row keeps the later.
    patient = make_patient(surgeon)
    older = make_assessment(patient, surgeon)
    newer = make_assessment(patient, surgeon, findings=EXAMPLE_3_FINDINGS)
    assert newer.created_at > older.created_at
    with connection.cursor() as cursor:  # as if its transaction committed last
        cursor.execute(*services._current_assessment_advance(older))
    assert current(patient).assessment == newer


def test_a_decision_takes_the_case_out_of_the_queue_and_an_amendment_keeps_it_out(
    surgeon, board_member
):
    patient = make_patient(surgeon)
    assessment = make_assessment(patient, surgeon)
    decision = make_decision(assessment, board_member)
    assert not current(patient).awaiting_board_decision
    make_decision(
        assessment,
        board_member,
        outcome="alternative",
        plan="Systemic therapy first",
        supersedes=decision,
        supersede_reason="New imaging",
    )
    assert not current(patient).awaiting_board_decision


def test_a_new_assessment_after_a_decision_awaits_the_board_again(surgeon, board_member):
    patient = make_patient(surgeon)
    make_decision(make_assessment(patient, surgeon), board_member)
    later = make_assessment(patient, surgeon, findings=EXAMPLE_3_FINDINGS)
    row = current(patient)
    assert row.assessment == later and row.awaiting_board_decision


def test_a_decision_on_an_earlier_encounter_leaves_the_current_one_waiting(surgeon, board_member):
    patient = make_patient(surgeon)
    earlier = make_assessment(patient, surgeon)
    make_assessment(patient, surgeon, findings=EXAMPLE_3_FINDINGS)
    make_decision(earlier, board_member)
    assert current(patient).awaiting_board_decision


def test_the_migration_rebuilds_the_rows_from_the_assessments_and_decisions(surgeon, board_member):
    decided_patient, waiting_patient = make_patient(surgeon), make_patient(surgeon)
    first = make_assessment(decided_patient, surgeon)
    latest = make_assessment(decided_patient, surgeon, supersedes=first, supersede_reason="x")
    make_decision(latest, board_member)
    waiting = make_assessment(waiting_patient, surgeon)
    expected = set(
        CurrentAssessment.objects.values_list(
            "patient_id", "assessment_id", "awaiting_board_decision"
        )
    )
    assert expected == {
        (decided_patient.pk, latest.pk, False),
        (waiting_patient.pk, waiting.pk, True),
    }
    migration = importlib.import_module("decision.clinic.migrations.0004_current_assessment")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinic_currentassessment")
        cursor.execute(migration.FILL_CURRENT_ASSESSMENTS)
    rebuilt = set(
        CurrentAssessment.objects.values_list(
            "patient_id", "assessment_id", "awaiting_board_decision"
        )
    )
    assert rebuilt == expected


def test_verify_audit_notices_a_current_row_that_disagrees(surgeon):
    patient = make_patient(surgeon)
    first = make_assessment(patient, surgeon)
    make_assessment(patient, surgeon, supersedes=first, supersede_reason="typo")
    assert verify_integrity().ok
    CurrentAssessment.objects.filter(patient=patient).update(assessment=first)
    report = verify_integrity()
    assert report.problem == f"patient {patient.pk}: the current assessment is not the latest one"
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=out)
    assert "not the latest" in out.getvalue()
