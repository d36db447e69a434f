"""Turn board data into what its pages show. Pure functions, no queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from decision.board.models import AgendaItem, BoardDecision
from decision.clinic.models import Assessment, CurrentAssessment
from decision.clinic.presenters import INTENT_LABELS, RISK_GROUP_LABELS, BarChart, bar_chart


@dataclass(frozen=True)
class CaseRow:
    """One case in a list (queue, agenda, handout) with the labels it is shown with."""

    assessment: Assessment
    intent_label: str
    risk_group_label: str
    agenda_item: AgendaItem | None = None
    decision: BoardDecision | None = None

    @property
    def patient(self):
        return self.assessment.patient


def _case_row(assessment: Assessment, **extra: Any) -> CaseRow:
    return CaseRow(
        assessment=assessment,
        intent_label=INTENT_LABELS.get(assessment.intent, assessment.intent),
        risk_group_label=RISK_GROUP_LABELS.get(assessment.risk_group, assessment.risk_group),
        **extra,
    )


def queue_rows(cases: Iterable[CurrentAssessment]) -> list[CaseRow]:
    """Queue rows, one per case (see ``selectors.queue_with_details``)."""
    return [_case_row(case.assessment) for case in cases]


def agenda_rows(items: list[AgendaItem]) -> list[CaseRow]:
    """Agenda rows in order, each with the case's latest decision (if any)."""
    return [
        _case_row(
            item.assessment,
            agenda_item=item,
            decision=next(iter(item.assessment.latest_decisions), None),
        )
        for item in items
    ]


@dataclass(frozen=True)
class ConcordanceRow:
    recommendation_code: str
    decisions: int
    agreed: int
    alternative: int
    deferred: int

    @property
    def percent_agreed(self) -> float:
        return round(100 * self.agreed / self.decisions, 1) if self.decisions else 0.0

    @property
    def percent_text(self) -> str:
        return f"{self.percent_agreed:g}%"


def concordance_rows(counts: list[dict[str, Any]]) -> tuple[list[ConcordanceRow], ConcordanceRow]:
    """One row per recommendation code, and the overall row."""
    rows = [
        ConcordanceRow(
            recommendation_code=str(count["recommendation_code"]),
            decisions=int(count["decisions"]),
            agreed=int(count["agreed"]),
            alternative=int(count["alternative"]),
            deferred=int(count["deferred"]),
        )
        for count in counts
    ]
    overall = ConcordanceRow(
        recommendation_code="All recommendations",
        decisions=sum(row.decisions for row in rows),
        agreed=sum(row.agreed for row in rows),
        alternative=sum(row.alternative for row in rows),
        deferred=sum(row.deferred for row in rows),
    )
    return rows, overall


def concordance_chart(rows: list[ConcordanceRow], overall: ConcordanceRow) -> BarChart:
    bars = [
        (
            f"{row.recommendation_code} (n={row.decisions})",
            row.percent_agreed,
            f"{row.agreed} of {row.decisions} agreed",
            "",
        )
        for row in [*rows, overall]
    ]
    return bar_chart(bars, title="Board agreement with the recommendation", label_width=330)


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
