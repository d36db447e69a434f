"""The printable meeting handout: one block per case, in agenda order."""

import re
from datetime import date

import pytest

from decision.audit.models import AuditEvent
from tests.factories import (
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_meeting,
    make_patient,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(board_member):
    return make_meeting(board_member, title="Hepatobiliary board")


def blocks(client, meeting) -> list[str]:
    response = client.get(f"/board/meetings/{meeting.pk}/handout/")
    assert response.status_code == 200
    return re.findall(r'<section class="handout-case.*?</section>', response.content.decode(), re.S)


def test_the_handout_has_one_block_per_case_with_identifiers_score_and_recommendation(
    board_client, surgeon, meeting
):
    high = make_assessment(
        make_patient(
            surgeon,
            mrn="H111",
            family_name="Alpha",
            given_name="Ann",
            date_of_birth=date(1950, 1, 2),
        ),
        surgeon,
    )
    # Spec example 4: example 3 with node status and CEA unknown scores 0–2, low risk.
    ranged = make_assessment(
        make_patient(surgeon, mrn="H222", family_name="Bravo", given_name="Ben"),
        surgeon,
        findings={**EXAMPLE_3_FINDINGS, "primary_node_positive": None, "cea_ng_ml": None},
    )
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [high.pk]})
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [ranged.pk]})

    first, second = blocks(board_client, meeting)
    assert "1. ALPHA, Ann · MRN H111 · born 1950-01-02" in first
    assert "2026-11-20" in first
    assert "5 of 5 · High risk" in first
    # The spec's own label for RESECT_PRIMARY_AND_LIVER_WITH_HAI, never the code.
    assert "Resect the primary and the liver metastases; place an HAI pump" in first
    assert "hepatic artery infusion" in first and "RESECT_PRIMARY" not in first
    assert "Not yet recorded" in first
    assert "2. BRAVO, Ben · MRN H222" in second
    assert "0–2 of 5 · Low risk" in second
    assert "Curative intent: HAI to make the liver disease resectable" in second


def test_the_handout_follows_the_agenda_order(board_client, surgeon, meeting):
    cases = [make_assessment(make_patient(surgeon, family_name=n), surgeon) for n in ("A", "B")]
    board_client.post(
        "/board/agenda/add/", {"meeting": meeting.pk, "assessments": [c.pk for c in cases]}
    )
    second = meeting.agenda_items.get(position=2)
    board_client.post(f"/board/meetings/{meeting.pk}/agenda/{second.pk}/move/", {"direction": "up"})
    names = [re.search(r"\d+\. (\w+),", block).group(1) for block in blocks(board_client, meeting)]
    assert names == ["B", "A"]


def test_the_handout_shows_the_latest_decision_once_recorded(
    board_client, board_member, surgeon, meeting
):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [assessment.pk]})
    first = make_decision(assessment, board_member, outcome="defer", plan="MRI liver")
    make_decision(
        assessment,
        board_member,
        outcome="alternative",
        plan="Two-stage hepatectomy",
        rationale="Bilobar disease",
        meeting=meeting,
        supersedes=first,
        supersede_reason="MRI result",
    )
    (block,) = blocks(board_client, meeting)
    assert "Alternative plan" in block
    assert "Two-stage hepatectomy" in block and "Bilobar disease" in block
    assert "MRI liver" not in block and "Not yet recorded" not in block


def test_the_handout_is_printable_and_its_viewing_audited(board_client, surgeon, meeting):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [assessment.pk]})
    body = board_client.get(f"/board/meetings/{meeting.pk}/handout/").content.decode()
    assert 'data-action="print"' in body
    running = re.search(r'<thead class="print-running-head">(.*?)</thead>', body, re.S).group(1)
    assert "Hepatobiliary board" in running
    assert "health-care professionals only" in body  # the intended use
    event = AuditEvent.objects.get(action="board.handout_viewed")
    assert event.object_id == str(meeting.pk)
    assert event.payload == {"cases": 1, "assessment_ids": [str(assessment.pk)]}
