from __future__ import annotations

import uuid
from datetime import date

from django.db.models import QuerySet

from decision.audit.models import AuditEvent
from decision.audit.registry import patient_lookups
from decision.core.days import day_end, day_start


def patient_id_for(reference: str) -> uuid.UUID | None:
    """A patient id from the id itself or from what a registered look-up understands (an
    MRN); None if unknown."""
    try:
        return uuid.UUID(reference)
    except ValueError:
        pass
    for lookup in patient_lookups:
        found = lookup(reference)
        if found is not None:
            return found
    return None


def audit_event_total() -> int:
    """The number of events in the log: the last one's sequence number, since events are
    numbered from 1 without gaps and never removed (``verify_audit`` checks both). One
    index look-up, where counting reads the whole log."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    return last or 0


def audit_events_filtered(
    *,
    username: str = "",
    action: str = "",
    patient_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, narrowed by whichever filters are given."""
    events = AuditEvent.objects.select_related("actor").order_by("-sequence")
    if patient_id:
        events = events.filter(patient_id=patient_id)
    if username:
        events = events.filter(actor__username=username)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(occurred_at__gte=day_start(date_from))
    if date_to:
        events = events.filter(occurred_at__lte=day_end(date_to))
    return events
