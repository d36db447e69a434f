"""The CSV export of board decisions, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import UTC, date
from typing import Any, TextIO

from decision.board.models import BoardDecision

COLUMNS = (
    "decision_id",
    "recorded_at_utc",
    "recorded_by",
    "outcome",
    "outcome_label",
    "plan",
    "rationale",
    "amends_decision_id",
    "amendment_reason",
    "superseded_by_decision_id",
    "assessment_id",
    "patient_mrn",
    "patient_family_name",
    "patient_given_name",
    "encounter_date",
    "recommendation_code",
    "recommendation_label",
    "score",
    "risk_group",
    "meeting_date",
    "meeting_title",
)

# A spreadsheet treats a cell starting with =, +, -, @, a tab or a carriage return as a
# formula (OWASP "CSV injection"); an apostrophe before it makes it plain text. Every cell
# is quoted, so a spreadsheet splitting on ";" (the default in much of Europe) keeps
# "Smith;=1+1" in one cell; one that ignores the quotes would still start a new cell after
# a ";", ",", tab or line break inside a value, so a formula character there is neutralised
# too ("Smith;'=1+1"). Quotes in between are skipped, as such a spreadsheet may drop them.
_FORMULA_AT_CELL_START = re.compile(r'((?:^|[;,\t\r\n])"*)(?=[=+\-@\t\r])')


def neutralise(value: Any) -> str:
    """The cell's text, with an apostrophe before each character a spreadsheet would read
    as the start of a formula."""
    text = "" if value is None else str(value)
    return _FORMULA_AT_CELL_START.sub(r"\1'", text)


def decision_row(decision: BoardDecision) -> list[str]:
    assessment = decision.assessment
    patient = assessment.patient
    meeting = decision.meeting
    superseded_by = getattr(decision, "superseded_by", None)
    values = (
        decision.pk,
        decision.recorded_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        decision.recorded_by.get_username(),
        decision.outcome,
        decision.get_outcome_display(),
        decision.plan,
        decision.rationale,
        decision.supersedes_id or "",
        decision.supersede_reason,
        superseded_by.pk if superseded_by is not None else "",
        assessment.pk,
        patient.mrn,
        patient.family_name,
        patient.given_name,
        assessment.encounter_date.isoformat(),
        assessment.recommendation_code,
        assessment.recommendation_label,
        assessment.score_text,
        assessment.risk_group,
        meeting.meeting_date.isoformat() if meeting else "",
        meeting.title if meeting else "",
    )
    return [neutralise(value) for value in values]


def decisions_csv_write(decisions: Iterable[BoardDecision], stream: TextIO) -> int:
    """Write the header and one row per decision, every cell quoted; returns the number
    of decisions."""
    writer = csv.writer(stream, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    count = 0
    for decision in decisions:
        writer.writerow(decision_row(decision))
        count += 1
    return count


def export_filename(start: date | None, end: date | None) -> str:
    start_text = start.isoformat() if start else "earliest"
    end_text = end.isoformat() if end else "latest"
    return f"board-decisions-{start_text}-to-{end_text}.csv"
