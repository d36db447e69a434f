"""The board's case view and its print view."""

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
def patient(surgeon):
    return make_patient(
        surgeon,
        mrn="H445566",
        family_name="Lindqvist",
        given_name="Maja",
        date_of_birth=date(1955, 3, 14),
    )


@pytest.fixture
def history(patient, surgeon, board_member):
    """An earlier encounter decided and amended, then a corrected later assessment."""
    earlier = make_assessment(patient, surgeon, findings=EXAMPLE_3_FINDINGS)
    first = make_decision(earlier, board_member, outcome="defer", plan="PET-CT")
    amended = make_decision(
        earlier,
        board_member,
        outcome="alternative",
        plan="HAI pump trial",
        rationale="Extrahepatic disease excluded",
        supersedes=first,
        supersede_reason="PET-CT result received",
    )
    wrong = make_assessment(patient, surgeon)
    current = make_assessment(patient, surgeon, supersedes=wrong, supersede_reason="CEA typo")
    return {"earlier": earlier, "wrong": wrong, "current": current, "decisions": [amended, first]}


def test_the_case_view_shows_everything_the_assessment_page_shows(
    board_client, client, surgeon, history
):
    current = history["current"]
    board_page = board_client.get(f"/board/cases/{current.pk}/").content.decode()
    client.force_login(surgeon)
    assessment_page = client.get(f"/assessments/{current.pk}/").content.decode()

    # Every marked part of the assessment page (criteria, notes, rules of the trace,
    # recommendation, score, evidence, findings, sources, intended use, audit line, notices)
    # is on the case view too.
    marks = set(re.findall(r'data-(?:criterion|note|rule|testid)="[^"]+"', assessment_page))
    assert len(marks) > 20
    assert marks <= set(re.findall(r'data-(?:criterion|note|rule|testid)="[^"]+"', board_page))
    for text in (current.content_hash, current.result["recommendation"]["text"], "<svg"):
        assert text in board_page


def test_the_case_view_shows_the_patient_s_earlier_assessments_and_decisions(board_client, history):
    response = board_client.get(f"/board/cases/{history['current'].pk}/")
    body = response.content.decode()
    history_table = body[body.index('data-testid="assessment-history"') :]
    assert history_table.count("<tr class=") == 3
    assert "Superseded" in history_table and "CEA typo" in history_table
    assert f'href="/board/cases/{history["earlier"].pk}/"' in body
    assert [d.pk for d in response.context["decisions"]] == [d.pk for d in history["decisions"]]
    assert "HAI pump trial" in body and "Extrahepatic disease excluded" in body
    assert "PET-CT result received" in body
    assert "Awaiting a board decision" in body


def test_viewing_a_case_is_audited(board_client, board_member, history):
    current = history["current"]
    board_client.get(f"/board/cases/{current.pk}/")
    event = AuditEvent.objects.filter(action="board.case_viewed").get()
    assert (event.actor, event.object_id, event.patient_id, event.payload) == (
        board_member,
        str(current.pk),
        current.patient_id,
        {"view": "case"},
    )


def test_a_corrected_assessment_s_case_points_to_the_current_one(board_client, history):
    body = board_client.get(f"/board/cases/{history['wrong'].pk}/").content.decode()
    assert 'data-testid="superseded-notice"' in body
    assert f'href="/board/cases/{history["current"].pk}/"' in body
    assert 'name="outcome"' not in body
    assert "No decision can be recorded on a corrected assessment" in body


def test_a_surgeon_reads_the_case_without_the_decision_form(client, surgeon, history):
    client.force_login(surgeon)
    body = client.get(f"/board/cases/{history['earlier'].pk}/").content.decode()
    assert "HAI pump trial" in body
    assert 'name="outcome"' not in body
    assert "Record the board" not in body and "Amend the decision" not in body


def test_the_case_view_lists_the_meetings_holding_the_case(board_client, board_member, history):
    meeting = make_meeting(board_member, title="Liver MDT")
    current = history["current"]
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [current.pk]})
    response = board_client.get(f"/board/cases/{current.pk}/")
    assert "Liver MDT" in response.content.decode()
    # Held today: chosen in advance as where the board decided.
    assert response.context["form"]["meeting"].value() == str(meeting.pk)


def test_the_print_view_shows_identifiers_on_every_page_and_no_controls(board_client, history):
    current = history["current"]
    response = board_client.get(f"/board/cases/{current.pk}/print/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in body
    running = re.search(r'<thead class="print-running-head">(.*?)</thead>', body, re.S).group(1)
    assert "LINDQVIST, Maja" in running and "MRN H445566" in running
    assert "born 1955-03-14" in running
    assert '<article class="print-case"' in body
    assert 'data-action="print"' in body
    assert re.search(r'<nav class="[^"]*d-print-none', body)
    assert '<form method="post" novalidate' not in body
    assert 'data-testid="intended-use"' in body
    assert "Awaiting a board decision" in body
    event = AuditEvent.objects.get(action="board.case_viewed")
    assert event.payload == {"view": "print"}


def test_the_print_view_shows_the_latest_decision(board_client, history):
    body = board_client.get(f"/board/cases/{history['earlier'].pk}/print/").content.decode()
    decision = body[
        body.index('id="print-decision-heading"') : body.index('data-testid="intended-use"')
    ]
    assert "Alternative plan" in decision and "HAI pump trial" in decision
    assert "PET-CT result received" in decision


def test_board_pages_carry_no_inline_script_or_style(board_client, board_member, history):
    meeting = make_meeting(board_member)
    current = history["current"]
    for url in (
        "/board/",
        f"/board/cases/{current.pk}/",
        f"/board/cases/{current.pk}/print/",
        "/board/meetings/",
        "/board/meetings/new/",
        f"/board/meetings/{meeting.pk}/",
        f"/board/meetings/{meeting.pk}/handout/",
        "/board/export/",
        "/board/concordance/",
    ):
        body = board_client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert not re.search(r"\sstyle=", body), url
        assert not re.search(r"\son[a-z]+=", body), url


def test_a_name_with_markup_is_shown_as_text(board_client, surgeon, board_member):
    patient = make_patient(surgeon, family_name="<script>alert(1)</script>")
    assessment = make_assessment(patient, surgeon)
    meeting = make_meeting(board_member)
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [assessment.pk]})
    for url in (
        "/board/",
        f"/board/cases/{assessment.pk}/",
        f"/board/cases/{assessment.pk}/print/",
        f"/board/meetings/{meeting.pk}/",
        f"/board/meetings/{meeting.pk}/handout/",
    ):
        body = board_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body.lower(), url
        assert "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in body, url
