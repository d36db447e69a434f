"""CSV export of decisions: a date range, safe quoting, no formulas, audited."""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from decision.audit.models import AuditEvent
from decision.board.export import neutralise
from tests.factories import make_assessment, make_decision, make_meeting, make_patient

pytestmark = pytest.mark.django_db


def decide_on(day: date, monkeypatch, assessment, recorder, **answers):
    """A decision recorded at noon UTC on ``day``."""
    moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    decision = make_decision(assessment, recorder, **answers)
    monkeypatch.undo()
    return decision


def download(client, date_from: str = "", date_to: str = ""):
    response = client.post("/board/export/", {"date_from": date_from, "date_to": date_to})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    return response, rows


def test_the_export_form_is_shown_and_nothing_is_downloaded_by_get(board_client):
    response = board_client.get("/board/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="board.decisions_exported").exists()


def test_the_export_holds_each_decision_with_its_case_and_meeting(
    board_client, board_member, surgeon
):
    patient = make_patient(surgeon, mrn="H777", family_name="Okafor", given_name="Chidi")
    assessment = make_assessment(patient, surgeon)
    meeting = make_meeting(board_member, meeting_date=date(2026, 11, 24), title="Liver MDT")
    first = make_decision(assessment, board_member, meeting=meeting)
    amendment = make_decision(
        assessment,
        board_member,
        outcome="defer",
        plan="PET-CT",
        supersedes=first,
        supersede_reason="Lung nodule",
    )
    response, rows = download(board_client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row["decision_id"] for row in rows] == [str(first.pk), str(amendment.pk)]
    row = rows[0]
    assert row["recorded_by"] == "boardmember"
    assert (row["outcome"], row["outcome_label"]) == ("agree", "Agree with the recommendation")
    assert row["superseded_by_decision_id"] == str(amendment.pk)
    assert (row["patient_mrn"], row["patient_family_name"], row["patient_given_name"]) == (
        "H777",
        "Okafor",
        "Chidi",
    )
    assert (row["encounter_date"], row["recommendation_code"], row["score"]) == (
        "2026-11-20",
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI",
        "5",
    )
    # The code and its label (spec section 9), each in a column of its own.
    assert row["recommendation_label"] == (
        "Resect the primary and the liver metastases; place an HAI pump"
    )
    assert (row["risk_group"], row["meeting_date"], row["meeting_title"]) == (
        "high",
        "2026-11-24",
        "Liver MDT",
    )
    assert row["recorded_at_utc"].endswith("Z")
    assert rows[1]["amends_decision_id"] == str(first.pk)
    assert rows[1]["amendment_reason"] == "Lung nodule"


def test_commas_quotes_and_line_breaks_survive_the_round_trip(board_client, board_member, surgeon):
    plan = 'Resect segments 6, 7; then "watch and wait"\nReview in 3 months'
    assessment = make_assessment(make_patient(surgeon, family_name="O'Brien, Jr"), surgeon)
    make_decision(assessment, board_member, outcome="alternative", plan=plan, rationale="a\r\nb")
    _, (row,) = download(board_client)
    assert row["plan"] == plan
    assert row["rationale"] == "a\r\nb"
    assert row["patient_family_name"] == "O'Brien, Jr"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_a_spreadsheet_would_run_as_a_formula_are_neutralised(
    board_client, board_member, surgeon, start
):
    formula = f'{start}HYPERLINK("http://example.org","x")'
    assessment = make_assessment(make_patient(surgeon, given_name=f"{start}cmd"), surgeon)
    make_decision(assessment, board_member, outcome="alternative", plan=formula, rationale=formula)
    _, (row,) = download(board_client)
    assert row["plan"] == f"'{formula}"
    assert row["rationale"] == f"'{formula}"
    assert row["patient_given_name"] == f"'{start}cmd"


@pytest.mark.parametrize("start", ["\t", "\r"])
def test_cells_starting_with_a_tab_or_carriage_return_are_neutralised(
    board_client, board_member, surgeon, start
):
    # Typed text is trimmed before it is stored, but names may arrive from elsewhere.
    assessment = make_assessment(make_patient(surgeon, family_name=f"{start}=1+1"), surgeon)
    make_decision(assessment, board_member)
    _, (row,) = download(board_client)
    # The tab or carriage return starts a cell, and so does the "=" after it.
    assert row["patient_family_name"] == f"'{start}'=1+1"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = {
    "family_name": "Smith;=1+1",
    "given_name": "Ann,+1",
    "plan": "ok;=cmd|' /C calc'!A0",
    "rationale": 'Seen in clinic\n@SUM(1+1);"=2+2"',
}


def hostile_and_ordinary_export(client, board_member, surgeon) -> str:
    """The raw text of an export holding one decision full of formulas hidden behind
    separators, and one ordinary decision."""
    names = {key: HOSTILE[key] for key in ("family_name", "given_name")}
    hostile = make_assessment(make_patient(surgeon, **names), surgeon)
    make_decision(
        hostile,
        board_member,
        outcome="alternative",
        plan=HOSTILE["plan"],
        rationale=HOSTILE["rationale"],
    )
    ordinary = make_assessment(make_patient(surgeon, family_name="Okafor"), surgeon)
    make_decision(ordinary, board_member, outcome="alternative", plan="Resect segments 2-3")
    response = client.post("/board/export/", {"date_from": "", "date_to": ""})
    return response.content.decode("utf-8")[1:]


def assert_no_cell_starts_a_formula(cells) -> None:
    for cell in cells:
        assert not cell.lstrip('"').startswith(FORMULA_STARTS), repr(cell)


def test_a_spreadsheet_splitting_on_semicolons_finds_no_formula(
    board_client, board_member, surgeon
):
    raw = hostile_and_ordinary_export(board_client, board_member, surgeon)
    rows = csv.reader(io.StringIO(raw, newline=""), delimiter=";")
    cells = [cell for row in rows for cell in row]
    assert any("Smith" in cell for cell in cells) and any("calc" in cell for cell in cells)
    assert_no_cell_starts_a_formula(cells)


@pytest.mark.parametrize("separator", [";", ","])
def test_a_spreadsheet_ignoring_quotes_finds_no_formula(
    board_client, board_member, surgeon, separator
):
    raw = hostile_and_ordinary_export(board_client, board_member, surgeon)
    cells = [cell for line in re.split(r"\r\n|\r|\n", raw) for cell in line.split(separator)]
    assert_no_cell_starts_a_formula(cells)


def test_every_cell_is_quoted(board_client, board_member, surgeon):
    raw = hostile_and_ordinary_export(board_client, board_member, surgeon)
    quoted_cells_only = r'(?:"(?:[^"]|"")*"(?:,|\r\n))+'
    assert re.fullmatch(quoted_cells_only, raw)


def test_formulas_behind_separators_are_neutralised_and_ordinary_text_survives(
    board_client, board_member, surgeon
):
    raw = hostile_and_ordinary_export(board_client, board_member, surgeon)
    hostile, ordinary = csv.DictReader(io.StringIO(raw, newline=""))
    assert hostile["patient_family_name"] == "Smith;'=1+1"
    assert hostile["patient_given_name"] == "Ann,'+1"
    assert hostile["plan"] == "ok;'=cmd|' /C calc'!A0"
    assert hostile["rationale"] == "Seen in clinic\n'@SUM(1+1);\"'=2+2\""
    assert ordinary["plan"] == "Resect segments 2-3"
    assert ordinary["patient_family_name"] == "Okafor"


def test_ordinary_cells_are_left_as_they_are():
    assert [neutralise(value) for value in ("Okafor", "2026-11-20", 5, None, "")] == [
        "Okafor",
        "2026-11-20",
        "5",
        "",
        "",
    ]


def test_the_export_covers_the_date_range_of_recording_both_ends_included(
    board_client, board_member, surgeon, monkeypatch
):
    days = [date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 1)]
    decisions = [
        decide_on(day, monkeypatch, make_assessment(make_patient(surgeon), surgeon), board_member)
        for day in days
    ]
    response, rows = download(board_client, "2026-04-01", "2026-04-30")
    assert [row["decision_id"] for row in rows] == [str(d.pk) for d in decisions[1:3]]
    assert response["Content-Disposition"] == (
        'attachment; filename="board-decisions-2026-04-01-to-2026-04-30.csv"'
    )
    _, open_ended = download(board_client, "2026-04-30")
    assert len(open_ended) == 2


def test_an_export_is_audited_with_its_range_and_size_but_no_names(
    board_client, board_member, surgeon
):
    patient = make_patient(surgeon, mrn="H777", family_name="Okafor", given_name="Chidi")
    make_decision(make_assessment(patient, surgeon), board_member)
    download(board_client, "2026-01-01", "")
    event = AuditEvent.objects.get(action="board.decisions_exported")
    assert event.actor == board_member
    assert event.payload == {"date_from": "2026-01-01", "date_to": None, "decisions": 1}


def test_a_reversed_range_is_refused_on_the_form(board_client):
    response = board_client.post(
        "/board/export/", {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response["Content-Type"].startswith("text/html")
    assert "cannot be before its start" in response.content.decode()
