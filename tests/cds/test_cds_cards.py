"""The card's summary: under 140 characters, as the specification says, for every
recommendation, risk group and board decision."""

import itertools
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from decision.board.models import Outcome
from decision.cds.cards import assessment_summary, markdown_text
from decision.rules import knowledge


def decision_of(outcome: str | None):
    if outcome is None:
        return None
    return SimpleNamespace(
        get_outcome_display=lambda: Outcome(outcome).label,
        meeting=None,
        recorded_at=datetime(2026, 11, 12, 10, tzinfo=UTC),
    )


SCORES = {"low": ["0", "0–2"], "high": ["5", "3–5"], "undetermined": ["1–3", "2–5"]}
CASES = [
    (code, risk, score, outcome)
    for code, risk, outcome in itertools.product(
        knowledge.RECOMMENDATIONS, SCORES, [None, *Outcome.values]
    )
    for score in SCORES[risk]
]


@pytest.mark.parametrize(("code", "risk", "score", "outcome"), CASES)
def test_every_summary_is_under_140_characters_and_keeps_the_score_recommendation_and_board(
    code, risk, score, outcome
):
    assessment = SimpleNamespace(
        score_text=score,
        risk_group=risk,
        recommendation_label=knowledge.recommendation_label(code),
    )
    summary = assessment_summary(assessment, decision_of(outcome))
    assert len(summary) < 140
    assert summary.startswith(f"Fong {score}/5")
    assert knowledge.recommendation_label(code) in summary
    if outcome:
        assert f"Board: {Outcome(outcome).label}" in summary


def test_a_short_summary_carries_the_risk_group_and_the_decisions_date():
    assessment = SimpleNamespace(
        score_text="4", risk_group="high", recommendation_label="Systemic chemotherapy"
    )
    assert assessment_summary(assessment, decision_of("alternative")) == (
        "Fong 4/5, High risk. Systemic chemotherapy. Board: Alternative plan (2026-11-12)."
    )


def test_markdown_in_free_text_is_shown_as_text():
    assert markdown_text("![x](https://e.org/a.png) <b>*bold*</b>\n# h") == (
        "\\!\\[x\\](https://e.org/a.png) \\<b\\>\\*bold\\*\\</b\\> \\# h"
    )
