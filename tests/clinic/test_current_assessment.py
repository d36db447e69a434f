"""Each patient's current assessment: what the tumor-board queue reads."""

import io

import pytest
from django.core.management import call_command

from decision.audit.integrity import verify_integrity
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


def test_verify_audit_notices_a_current_row_that_disagrees(surgeon):
    patient = make_patient(surgeon)
    first = make_assessment(patient, surgeon)
    make_assessment(patient, surgeon, supersedes=first, supersede_reason="typo")
    assert verify_integrity().ok
    CurrentAssessment.objects.filter(patient=patient).update(assessment=first)
    report = verify_integrity()
    latest = "the current assessment is not the latest one"
    assert [str(problem) for problem in report.problems] == [
        f"clinic_currentassessment patient {patient.pk}: {latest}"
    ]
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=out)
    assert "not the latest" in out.getvalue()


def test_a_deferral_keeps_the_case_waiting_marked_deferred(surgeon, board_member):
    patient = make_patient(surgeon)
    assessment = make_assessment(patient, surgeon)
    deferral = make_decision(assessment, board_member, outcome="defer", plan="PET-CT")
    row = current(patient)
    assert (row.awaiting_board_decision, row.deferred) == (True, True)
    assert verify_integrity().ok
    make_decision(
        assessment,
        board_member,
        outcome="alternative",
        plan="Chemotherapy",
        supersedes=deferral,
        supersede_reason="PET-CT showed lung nodules",
    )
    row = current(patient)
    assert (row.awaiting_board_decision, row.deferred) == (False, False)
    assert verify_integrity().ok


def test_verify_audit_notices_a_deferral_missing_from_the_queue(surgeon, board_member):
    patient = make_patient(surgeon)
    make_decision(make_assessment(patient, surgeon), board_member, outcome="defer", plan="MRI")
    CurrentAssessment.objects.filter(patient=patient).update(awaiting_board_decision=False)
    assert [str(problem) for problem in verify_integrity().problems] == [
        f"clinic_currentassessment patient {patient.pk}: its place in the board's queue is wrong"
    ]
