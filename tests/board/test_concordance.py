"""Concordance: how often the board agreed with the recommendation, per recommendation."""

import re
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from decision.audit.models import AuditEvent
from decision.rules import knowledge
from tests.factories import (
    EXAMPLE_1_FINDINGS,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_patient,
)

pytestmark = pytest.mark.django_db

NOT_FIT = {**EXAMPLE_1_FINDINGS, "fit_for_surgery": False}


@pytest.fixture
def decide(monkeypatch, surgeon, board_member):
    """Record decisions at noon UTC of a given day, each on a new patient's assessment of
    that day."""

    def record(day: date, outcome: str, *, findings=EXAMPLE_1_FINDINGS, assessment=None, **more):
        moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        if assessment is None:
            # Seen that day, so diagnosed that day at the latest.
            diagnosed = min(findings["liver_metastases_diagnosis_date"], day.isoformat())
            findings = {**findings, "liver_metastases_diagnosis_date": diagnosed}
            assessment = make_assessment(
                make_patient(surgeon), surgeon, findings=findings, encounter_date=day
            )
        plan = "" if outcome == "agree" else "Another plan"
        decision = make_decision(assessment, board_member, outcome=outcome, plan=plan, **more)
        monkeypatch.undo()
        return decision

    return record


@pytest.fixture
def march(decide):
    """Decisions recorded in March 2026, and one before."""
    march = date(2026, 3, 10)
    # RESECT_PRIMARY_AND_LIVER_WITH_HAI: agree, agree, alternative.
    decide(march, "agree")
    decide(march, "agree")
    decide(march, "alternative")
    # HAI_FOR_UNRESECTABLE: one agreement amended to a deferral, and one deferral.
    first = decide(march, "agree", findings=EXAMPLE_3_FINDINGS)
    decide(
        date(2026, 3, 11),
        "defer",
        assessment=first.assessment,
        supersedes=first,
        supersede_reason="Staging incomplete",
    )
    decide(march, "defer", findings=EXAMPLE_3_FINDINGS)
    # NON_OPERATIVE: one agreement.
    decide(date(2026, 3, 31), "agree", findings=NOT_FIT)
    # Outside the range.
    decide(date(2026, 2, 28), "agree")


# The recommendations as people read them (spec section 9: labels, never codes).
RESECT = knowledge.RECOMMENDATIONS["RESECT_PRIMARY_AND_LIVER_WITH_HAI"].label
HAI = knowledge.RECOMMENDATIONS["HAI_FOR_UNRESECTABLE"].label
NOT_OPERATED = knowledge.RECOMMENDATIONS["NON_OPERATIVE"].label


def table(client, query: str) -> dict[str, list[str]]:
    """Each row of the report by its recommendation's label: agreed, alternative plan,
    agreement, deferred."""
    body = client.get(f"/board/concordance/{query}").content.decode()
    rows = re.findall(r'<tr data-testid="concordance-(?:row|overall)".*?</tr>', body, re.S)
    return {
        re.search(r"<th[^>]*>([^<]*)</th>", row).group(1): re.findall(
            r'<td class="text-end">([^<]*)</td>', row
        )
        for row in rows
    }


def test_agreement_is_counted_per_recommendation_with_the_latest_decision_only(board_client, march):
    # Counted by hand from the fixture. A deferral is counted apart, and the share that
    # agreed is of the cases decided (spec section 9: deferral is not disagreement).
    assert table(board_client, "?date_from=2026-03-01&date_to=2026-03-31") == {
        HAI: ["0", "0", "—", "2"],
        NOT_OPERATED: ["1", "0", "100%", "0"],
        RESECT: ["2", "1", "66.7%", "0"],
        "All recommendations": ["3", "1", "75%", "2"],
    }


def test_the_range_applies_to_the_day_the_decision_was_recorded(board_client, march):
    assert table(board_client, "?date_from=2026-02-01&date_to=2026-02-28") == {
        RESECT: ["1", "0", "100%", "0"],
        "All recommendations": ["1", "0", "100%", "0"],
    }
    assert table(board_client, "")["All recommendations"] == ["4", "1", "80%", "2"]


def test_the_concordance_is_drawn_as_a_bar_chart_of_the_cases_decided(board_client, march):
    body = board_client.get("/board/concordance/?date_from=2026-03-01").content.decode()
    chart = body[body.index("<svg") : body.index("</svg>")]
    assert "Board agreement with the recommendation" in chart
    assert f"{RESECT} (n=3)" in chart and ">66.7%<" in chart
    assert "All recommendations (n=4)" in chart and ">75%<" in chart
    # The deferred cases were not decided: no bar for them.
    assert HAI not in chart and chart.count("<rect") == 3


def test_no_recommendation_code_is_shown(board_client, march):
    body = board_client.get("/board/concordance/").content.decode()
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI" not in body and "NON_OPERATIVE" not in body


def test_an_empty_range_says_so(board_client, march):
    body = board_client.get("/board/concordance/?date_from=2027-01-01").content.decode()
    assert "No decisions were recorded in this range." in body
    assert "<svg" not in body


def test_a_surgeon_may_read_the_concordance_and_its_use_is_audited(client, surgeon, march):
    client.force_login(surgeon)
    assert client.get("/board/concordance/?date_to=2026-03-31").status_code == 200
    event = AuditEvent.objects.get(action="board.concordance_viewed")
    assert event.payload == {"date_from": None, "date_to": "2026-03-31", "decisions": 7}
