from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Max, Min, QuerySet

from decision.audit.models import AuditEvent
from decision.core.days import day_end, day_start


def _patient_id_for(reference: str) -> uuid.UUID | None:
    """A patient id from an MRN (any case) or from the id itself; None if unknown."""
    from decision.clinic.models import Patient

    try:
        return uuid.UUID(reference)
    except ValueError:
        pass
    return Patient.objects.filter(mrn__iexact=reference).values_list("pk", flat=True).first()


def _user_id_for(username: str) -> int | None:
    """A user's id from their user name; None if unknown."""
    return get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()


def audit_event_total() -> int:
    """The number of events in the log: the last one's sequence number (one index look-up
    instead of a count of every row). Sequence numbers run from 1 without gaps, since
    events are appended under the chain's lock and never removed; ``verify_audit`` checks
    it."""
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


# The latest event of one action, read from the action's index: its first entry at or
# after the action, since the index runs by action and then newest first (the CASE makes
# it None when that entry belongs to the next action). Plain MAX(sequence) WHERE action =
# %s becomes "newest first, LIMIT 1", which PostgreSQL may serve by walking the whole log
# back from its newest event until it meets one of that action: for patient registrations,
# which are rare next to views and assessments, 40 ms in a log of 420,000 events.
_LATEST_OF_ACTION_SQL = (
    "(SELECT CASE WHEN latest.action = %s THEN latest.sequence END FROM ("
    "SELECT action, sequence FROM audit_auditevent WHERE action >= %s"
    " ORDER BY action, sequence DESC LIMIT 1) latest)"
)


def latest_sequences(actions: Sequence[str], *, also: str = "") -> tuple:
    """The sequence number of the latest event of each action (None if there is none), in
    one query: they identify the state of whatever those actions change, for keeping
    derived figures in the cache. ``also`` adds SQL expressions to the same SELECT, read
    from the same snapshot (their values follow)."""
    expressions = [_LATEST_OF_ACTION_SQL] * len(actions) + ([also] if also else [])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(expressions),
            [arg for action in actions for arg in (action, action)],
        )
        return cursor.fetchone()


def audit_events_filtered(
    *,
    username: str = "",
    action: str = "",
    patient: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, narrowed by whichever filters are given."""
    events = AuditEvent.objects.select_related("actor").order_by("-sequence")
    # Of the patient, the user and the action, the first given (usually the most selective,
    # in that order) is read from its index, which runs by it and then newest first: see
    # _read_from_index. The patient's and the user's ids are looked up first, so that
    # PostgreSQL plans for their share of the log.
    exact = {}
    if patient:
        exact["patient_id"] = _patient_id_for(patient)
    if username:
        exact["actor_id"] = _user_id_for(username)
    if action:
        exact["action"] = action
    if None in exact.values():
        return events.none()
    if exact:
        (column, value), *others = exact.items()
        events = _read_from_index(events, column, value).filter(**dict(others))
    if date_from or date_to:
        within = {}
        if date_from:
            within["occurred_at__gte"] = day_start(date_from)
        if date_to:
            within["occurred_at__lte"] = day_end(date_to)
        first, last = _sequence_bounds(**within)
        if first is None:
            return events.none()
        events = events.filter(sequence__gte=first, sequence__lte=last, **within)
    return events


def _sequence_bounds(**within: object) -> tuple[int | None, int | None]:
    """The first and last sequence numbers of the events ``within`` the given times (None
    if there are none), read from the index on the time.

    A page of events between two dates, newest first, may otherwise be read by walking
    the log back from its newest event to the last of those dates: for last year, a
    year of events. Bounded by these numbers, the walk starts at the period's last event,
    and since the numbers are those of the matching events themselves, the bounds leave
    out none of them, however the clock went. ``+ 0`` keeps PostgreSQL from reading each
    bound in the order of sequence numbers, which is the same walk.
    """
    return tuple(
        AuditEvent.objects.filter(**within)
        .aggregate(first=Min(F("sequence") + 0), last=Max(F("sequence") + 0))
        .values()
    )


def _read_from_index(events: QuerySet, column: str, value: object) -> QuerySet:
    """``events`` whose ``column`` is ``value``, newest first, in a form that only the index
    on (column, sequence DESC) can serve in order.

    With ``column = value``, PostgreSQL treats the column as constant and may read the
    whole log newest first instead, expecting the value's share of it to turn up evenly;
    for a value that was common once and is rare lately (an action nobody takes any more,
    a user who left), that walks back through most of the log. A closed range selects
    the same rows (one value) but keeps the column in the order, which the log's own
    index does not have.
    """
    return events.filter(**{f"{column}__gte": value, f"{column}__lte": value}).order_by(
        column, "-sequence"
    )
