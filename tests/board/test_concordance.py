"""Concordance: how often the board agreed with the recommendation, per recommendation."""

import re
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from decision.audit.models import AuditEvent
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


def table(client, query: str) -> dict[str, list[str]]:
    body = client.get(f"/board/concordance/{query}").content.decode()
    rows = re.findall(r'<tr data-code="([^"]+)".*?</tr>', body, re.S)
    cells = {}
    for code in rows:
        row = re.search(rf'<tr data-code="{code}".*?</tr>', body, re.S).group(0)
        cells[code] = re.findall(r'<td class="text-end">([^<]*)</td>', row)
    return cells


def test_agreement_is_counted_per_recommendation_with_the_latest_decision_only(board_client, march):
    # Counted by hand from the fixture: decisions, agreed, alternative, deferred, %.
    assert table(board_client, "?date_from=2026-03-01&date_to=2026-03-31") == {
        "HAI_FOR_UNRESECTABLE": ["2", "0", "0", "2", "0%"],
        "NON_OPERATIVE": ["1", "1", "0", "0", "100%"],
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI": ["3", "2", "1", "0", "66.7%"],
        "overall": ["6", "3", "1", "2", "50%"],
    }


def test_the_range_applies_to_the_day_the_decision_was_recorded(board_client, march):
    assert table(board_client, "?date_from=2026-02-01&date_to=2026-02-28") == {
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI": ["1", "1", "0", "0", "100%"],
        "overall": ["1", "1", "0", "0", "100%"],
    }
    assert table(board_client, "")["overall"] == ["7", "4", "1", "2", "57.1%"]


def test_the_concordance_is_drawn_as_a_bar_chart(board_client, march):
    body = board_client.get("/board/concordance/?date_from=2026-03-01").content.decode()
    chart = body[body.index("<svg") : body.index("</svg>")]
    assert "Board agreement with the recommendation" in chart
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI (n=3)" in chart and ">66.7%<" in chart
    assert "All recommendations (n=6)" in chart and ">50%<" in chart
    assert chart.count("<rect") == 4


def test_an_empty_range_says_so(board_client, march):
    body = board_client.get("/board/concordance/?date_from=2027-01-01").content.decode()
    assert "No decisions were recorded in this range." in body
    assert "<svg" not in body


def test_a_surgeon_may_read_the_concordance_and_its_use_is_audited(client, surgeon, march):
    client.force_login(surgeon)
    assert client.get("/board/concordance/?date_to=2026-03-31").status_code == 200
    event = AuditEvent.objects.get(action="board.concordance_viewed")
    assert event.payload == {"date_from": None, "date_to": "2026-03-31", "decisions": 7}
