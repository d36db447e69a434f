"""Reads of the audit log that its page depends on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from decision.audit.models import AuditEvent
from decision.audit.selectors import audit_events_filtered

pytestmark = pytest.mark.django_db


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
