"""How an assessment is shown to people (spec section 9): plain words, the first screen,
survival evidence framed as about resected patients, and the board's decision beside the
rules' recommendation wherever the assessment is shown."""

from __future__ import annotations

import re

import pytest

from tests.factories import (
    EXAMPLE_1_FINDINGS,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_meeting,
    make_patient,
)

pytestmark = pytest.mark.django_db

# Spec section 9, word for word.
SURVIVAL_HEADING = "5-year overall survival after hepatic resection, in published series"
NOT_RESECTION = (
    "These figures describe patients whose liver metastases were resected. "
    "The recommendation for this patient is not resection."
)
# One set of findings per intent (spec section 5: R5, R2, R3, R1) and the intent's label
# (spec section 9).
INTENTS = {
    "curative": ({}, "Curative intent"),
    "palliative": ({"lung_metastases": True}, "Palliative"),
    "workup": ({"staging_complete": False}, "Work-up needed before a plan"),
    "non_operative": ({"fit_for_surgery": False}, "Non-operative care"),
}


def page_of(client, assessment) -> str:
    response = client.get(f"/assessments/{assessment.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def survival_section(body: str) -> str:
    start = body.index('data-testid="survival-section"')
    return body[body.rindex("<details", 0, start) : body.index("</details>", start)]


@pytest.mark.parametrize("intent", INTENTS)
def test_the_survival_evidence_is_framed_as_about_resected_patients(
    surgeon_client, surgeon, intent
):
    changes, label = INTENTS[intent]
    assessment = make_assessment(
        make_patient(surgeon), surgeon, findings={**EXAMPLE_1_FINDINGS, **changes}
    )
    assert assessment.intent == intent
    body = page_of(surgeon_client, assessment)
    section = survival_section(body)
    assert SURVIVAL_HEADING in section
    assert re.search(r'data-testid="intent">\s*' + re.escape(label) + r"\s*<", body)
    if intent == "curative":
        assert NOT_RESECTION not in body
        assert section.startswith("<details") and " open" in section.split(">")[0]
    else:
        # Opens with the warning, and stays collapsed until opened.
        first_paragraph = section.split("</summary>")[1].strip()
        assert NOT_RESECTION in first_paragraph.split("</p>")[0]
        assert " open" not in section.split(">")[0]


def test_the_intent_of_the_hai_recommendations_says_their_aim(surgeon_client, surgeon):
    # Spec section 8, example 3 gives HAI_FOR_UNRESECTABLE (rule R6).
    assessment = make_assessment(make_patient(surgeon), surgeon, findings=EXAMPLE_3_FINDINGS)
    body = page_of(surgeon_client, assessment)
    assert "Curative intent: HAI to make the liver disease resectable" in body


def test_a_score_range_says_the_rows_cover_every_score_in_it(surgeon_client, surgeon):
    # Spec section 8, example 4: 0–2.
    findings = {**EXAMPLE_3_FINDINGS, "primary_node_positive": None, "cea_ng_ml": None}
    assessment = make_assessment(make_patient(surgeon), surgeon, findings=findings)
    section = survival_section(page_of(surgeon_client, assessment))
    assert "the rows cover every score in that range" in section and "0–2" in section


def test_the_first_screen_leads_with_the_recommendation_in_words_not_its_code(
    surgeon_client, surgeon
):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    body = page_of(surgeon_client, assessment)
    summary = body[body.index('data-testid="assessment-summary"') :].split("</section>")[0]
    # The spec's own label for RESECT_PRIMARY_AND_LIVER_WITH_HAI (spec section 9).
    assert "Resect the primary and the liver metastases; place an HAI pump" in summary
    assert "Curative intent" in summary and "High risk" in summary
    assert 'data-testid="score">5<' in summary and "3 notes" in summary
    assert "No decision recorded yet." in summary
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI" not in summary
    # The code only in the small print, beside the rule set and its version.
    audit_line = body[body.index('data-testid="audit-line"') :].split("</p>")[0]
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI" in audit_line and "kemeny-2006" in audit_line
    assert body.count("RESECT_PRIMARY_AND_LIVER_WITH_HAI") == 1


def test_the_board_s_decision_is_shown_beside_the_recommendation_labelled_as_the_board_s(
    surgeon_client, surgeon, board_member
):
    patient = make_patient(surgeon)
    assessment = make_assessment(patient, surgeon)
    meeting = make_meeting(board_member)
    make_decision(
        assessment,
        board_member,
        outcome="alternative",
        plan="Systemic chemotherapy first, then restage",
        meeting=meeting,
    )
    body = page_of(surgeon_client, assessment)
    summary = body[body.index('data-testid="assessment-summary"') :].split("</section>")[0]
    board = summary[summary.index('data-testid="board-decision-summary"') :]
    assert "The tumor board's decision" in board and "Alternative plan" in board
    assert "Systemic chemotherapy first, then restage" in board
    assert f"Meeting of {meeting.meeting_date:%Y-%m-%d}" in board and "Bea Board" in board
    assert "The rules' recommendation" in summary

    record = surgeon_client.get(f"/patients/{patient.pk}/").content.decode()
    history = record[record.index('data-testid="assessment-history"') :]
    assert "Board's decision" in history and "Alternative plan" in history
    assert "Systemic chemotherapy first, then restage" in history


def test_correcting_a_decided_assessment_warns_first_and_names_the_decision(
    surgeon_client, surgeon, board_member
):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    make_decision(assessment, board_member, outcome="defer", plan="PET-CT first")
    body = surgeon_client.get(f"/assessments/{assessment.pk}/correct/").content.decode()
    warning = body[body.index('data-testid="decided-warning"') :].split("</div>")[0]
    assert "Defer for work-up" in warning and "PET-CT first" in warning
    assert "puts the case back in the board's queue" in warning


def test_correcting_an_undecided_assessment_gives_no_such_warning(surgeon_client, surgeon):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    body = surgeon_client.get(f"/assessments/{assessment.pk}/correct/").content.decode()
    assert 'data-testid="decided-warning"' not in body


def test_the_dashboard_lists_board_decisions_on_the_surgeon_s_patients_since_the_last_visit(
    client, surgeon, board_member, make_user
):
    from tests.conftest import PASSWORD

    colleague = make_user("colleague", groups=("surgeon",))
    mine = make_assessment(make_patient(surgeon, family_name="Mine"), surgeon)
    theirs = make_assessment(make_patient(colleague, family_name="Theirs"), colleague)
    make_decision(mine, board_member, outcome="agree")
    make_decision(theirs, board_member, outcome="agree")
    # The first visit lists the decisions so far; the next one only newer ones.
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    first = client.get("/").content.decode()
    listed = first[first.index('data-testid="decided-since"') :].split("</ul>")[0]
    assert "MINE" in listed and "THEIRS" not in listed
    client.post("/logout/")
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    again = client.get("/").content.decode()
    assert "since your last visit" in again and 'data-testid="decided-since"' not in again
    later = make_assessment(make_patient(surgeon, family_name="Later"), surgeon)
    make_decision(later, board_member, outcome="alternative", plan="Chemotherapy first")
    newest = client.get("/").content.decode()
    listed = newest[newest.index('data-testid="decided-since"') :].split("</ul>")[0]
    assert "LATER" in listed and "Alternative plan" in listed and "MINE" not in listed
