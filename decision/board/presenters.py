"""Turn board data into what its pages show. Pure functions, no queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from decision.board.models import AgendaItem, BoardDecision
from decision.clinic.models import Assessment, CurrentAssessment
from decision.clinic.presenters import BarChart, bar_chart
from decision.rules import knowledge


@dataclass(frozen=True)
class CaseRow:
    """One case in a list (queue, agenda, handout)."""

    assessment: Assessment
    agenda_item: AgendaItem | None = None
    decision: BoardDecision | None = None

    @property
    def patient(self):
        return self.assessment.patient


def queue_rows(cases: Iterable[CurrentAssessment]) -> list[CaseRow]:
    """Queue rows, one per case, each with the board's latest decision when it deferred
    the case (see ``selectors.queue_with_details``)."""
    return [
        CaseRow(case.assessment, decision=case.assessment.latest_board_decision) for case in cases
    ]


def agenda_rows(items: list[AgendaItem]) -> list[CaseRow]:
    """Agenda rows in order, each with the case's latest decision (if any)."""
    return [
        CaseRow(
            item.assessment,
            agenda_item=item,
            decision=next(iter(item.assessment.latest_decisions), None),
        )
        for item in items
    ]


@dataclass(frozen=True)
class ConcordanceRow:
    """The board's latest decisions on one recommendation. A deferral is neither agreement
    nor disagreement: the share that agreed is of the cases decided (agreed or another
    plan)."""

    label: str
    agreed: int
    alternative: int
    deferred: int

    @property
    def decided(self) -> int:
        return self.agreed + self.alternative

    @property
    def percent_agreed(self) -> float:
        return round(100 * self.agreed / self.decided, 1) if self.decided else 0.0

    @property
    def percent_text(self) -> str:
        return f"{self.percent_agreed:g}%" if self.decided else "—"


def concordance_rows(counts: list[dict[str, Any]]) -> tuple[list[ConcordanceRow], ConcordanceRow]:
    """One row per recommendation, by its label, and the overall row."""
    rows = [
        ConcordanceRow(
            label=knowledge.recommendation_label(str(count["recommendation_code"])),
            agreed=int(count["agreed"]),
            alternative=int(count["alternative"]),
            deferred=int(count["deferred"]),
        )
        for count in counts
    ]
    overall = ConcordanceRow(
        label="All recommendations",
        agreed=sum(row.agreed for row in rows),
        alternative=sum(row.alternative for row in rows),
        deferred=sum(row.deferred for row in rows),
    )
    return rows, overall


def concordance_chart(rows: list[ConcordanceRow], overall: ConcordanceRow) -> BarChart:
    bars = [
        (
            f"{row.label} (n={row.decided})",
            row.percent_agreed,
            f"{row.agreed} of {row.decided} agreed",
            "",
        )
        for row in [*rows, overall]
        if row.decided
    ]
    return bar_chart(bars, title="Board agreement with the recommendation", label_width=330)


def queue_count_rows(counts: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The queue's cases per recommendation, by label."""
    return [
        (knowledge.recommendation_label(count["recommendation_code"]), count["cases"])
        for count in counts
    ]


def range_text(start: date | None, end: date | None) -> str:
    """A date range as people say it: 'from 2026-01-01 to 2026-03-31', 'on any date'."""
    if start and end:
        return f"from {start:%Y-%m-%d} to {end:%Y-%m-%d}"
    if start:
        return f"from {start:%Y-%m-%d}"
    if end:
        return f"up to {end:%Y-%m-%d}"
    return "on any date"


def range_payload(start: date | None, end: date | None) -> dict[str, str | None]:
    return {
        "date_from": start.isoformat() if start else None,
        "date_to": end.isoformat() if end else None,
    }
