from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db.models import Count, Max, QuerySet

from decision.audit.models import AuditEvent
from decision.core.days import day_end, day_start


def audit_chain_head() -> AuditEvent | None:
    """The log's last event (None for an empty log). Its number is the number of events,
    since events are numbered from 1 without gaps and never removed (``verify_audit``
    checks both)."""
    return AuditEvent.objects.order_by("-sequence").first()


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


def lockouts_recent(*, since: datetime, limit: int = 20) -> list[dict]:
    """Login lockouts since ``since``, one row per user name and address: how many
    attempts the lockout refused and when the last was, latest first."""
    rows = (
        AuditEvent.objects.filter(action="auth.locked_out", occurred_at__gte=since)
        .values("payload__username", "client_address")
        .annotate(refused=Count("sequence"), last_at=Max("occurred_at"))
        .order_by("-last_at")[:limit]
    )
    return [
        {
            "username": row["payload__username"],
            "client_address": row["client_address"],
            "refused": row["refused"],
            "last_at": row["last_at"],
        }
        for row in rows
    ]
