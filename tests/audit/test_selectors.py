"""Reads of the audit log that other pages depend on."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from decision.audit.models import AuditEvent
from decision.audit.selectors import audit_events_filtered, latest_sequences

pytestmark = pytest.mark.django_db


def _events(action: str, first: int, last: int, actor=None) -> None:
    """Events numbered ``first`` to ``last`` (only the log's order matters here)."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            sequence=n,
            occurred_at=timezone.now(),
            actor=actor,
            action=action,
            payload={},
            previous_hash=f"{n - 1:064x}",
            hash=f"{n:064x}",
        )
        for n in range(first, last + 1)
    )


def _statement_sent_by(call) -> tuple[str, object]:
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return sent[-1]


def test_the_latest_event_of_each_action_and_none_for_an_action_never_recorded():
    _events("patient.created", 1, 30)
    _events("patient.list_viewed", 31, 40)
    _events("patient.created", 41, 45)
    _events("patient.list_viewed", 46, 60)

    assert latest_sequences(("patient.created", "patient.list_viewed")) == (45, 60)
    assert latest_sequences(("board.decision_recorded",)) == (None,)
    assert latest_sequences(("patient.list_viewed",), also="(SELECT 7)") == (60, 7)


@pytest.mark.postgres_only
def test_the_latest_event_of_a_rare_action_is_found_without_walking_back_through_the_log():
    # Registrations first, then thousands of events of other kinds (as in a clinic, where
    # patients are registered once and viewed and assessed many times). Statistics taken
    # in between make registrations look common, which tempts PostgreSQL to walk the log
    # back from its newest event.
    _events("patient.created", 1, 3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    _events("patient.list_viewed", 3001, 8000)

    assert latest_sequences(("patient.created",)) == (3000,)
    sql, params = _statement_sent_by(lambda: latest_sequences(("patient.created",)))
    assert _pages_read(sql, params) < 20  # walking back would read 5,000 events


def _pages_read(sql: str, params: object) -> int:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return plan[0]["Plan"]["Shared Hit Blocks"] + plan[0]["Plan"]["Shared Read Blocks"]


@pytest.mark.postgres_only
@pytest.mark.parametrize("filtered_by", ["action", "user"])
def test_the_audit_log_of_a_user_or_action_rare_lately_is_read_from_its_index(
    filtered_by, surgeon, auditor
):
    # 3,000 corrections by the surgeon, statistics, then 10,000 views by someone else: a
    # filter PostgreSQL expects to match often, whose matches all lie far back.
    _events("assessment.superseded", 1, 3000, actor=surgeon)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    _events("patient.list_viewed", 3001, 13000, actor=auditor)
    filters = {"action": "assessment.superseded"} if filtered_by == "action" else {}
    filters |= {"username": surgeon.username} if filtered_by == "user" else {}

    first_page = audit_events_filtered(**filters)[:50]
    assert [event.sequence for event in first_page] == list(range(3000, 2950, -1))
    sql, params = first_page.query.sql_with_params()
    assert _pages_read(sql, params) < 100  # walking back would read 10,000 events


def _event_at(sequence: int, moment: datetime) -> None:
    AuditEvent.objects.create(
        sequence=sequence,
        occurred_at=moment,
        action="patient.viewed",
        payload={},
        previous_hash=f"{sequence - 1:064x}",
        hash=f"{sequence:064x}",
    )


def test_a_period_holds_every_event_of_its_days_even_when_the_clock_went_back():
    may = datetime(2026, 5, 10, 12, tzinfo=UTC)
    june = datetime(2026, 6, 10, 12, tzinfo=UTC)
    # The server's clock was set back twice: numbers 2 and 4 were written in June, the
    # others in May.
    for sequence, moment in enumerate([may, june, may, june, may], start=1):
        _event_at(sequence, moment)

    in_may = audit_events_filtered(date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    assert [event.sequence for event in in_may] == [5, 3, 1]
    from_june = audit_events_filtered(date_from=date(2026, 6, 1))
    assert [event.sequence for event in from_june] == [4, 2]
    until_april = audit_events_filtered(date_to=date(2026, 4, 30))
    assert list(until_april) == []


@pytest.mark.postgres_only
def test_a_page_of_a_past_period_is_read_without_walking_back_through_the_log():
    # Last year's events, then ten thousand newer ones: a page of last year's events,
    # newest first, must not be found by walking back through everything since.
    for first, moment in ((1, datetime(2025, 3, 1, tzinfo=UTC)), (3001, timezone.now())):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                sequence=n,
                occurred_at=moment + timedelta(seconds=n),
                action="patient.viewed",
                payload={},
                previous_hash=f"{n - 1:064x}",
                hash=f"{n:064x}",
            )
            for n in range(first, first + (3000 if first == 1 else 10000))
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")

    first_page = audit_events_filtered(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))[:50]
    assert [event.sequence for event in first_page] == list(range(3000, 2950, -1))
    sql, params = first_page.query.sql_with_params()
    assert _pages_read(sql, params) < 100  # walking back would read 10,000 events
