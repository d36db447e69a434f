"""Writing audit events. Every event is appended in the caller's transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from decision.audit.models import GENESIS_HASH, AuditEvent
from decision.core.requests import client_ip_address, current_request_id
from decision.core.sql import Statement, insert_statement, record_inserted

logger = logging.getLogger(__name__)

# Any constant works; it only has to be the same for every writer of the audit chain.
_CHAIN_LOCK_KEY = 0x43524C4D  # "CRLM"

# Keys that must never reach an audit payload (names, MRNs, dates of birth).
_FORBIDDEN_PAYLOAD_KEYS = frozenset(
    {"mrn", "family_name", "given_name", "name", "date_of_birth", "password", "search"}
)


_TAIL_SQL = "SELECT sequence, hash FROM audit_auditevent ORDER BY sequence DESC LIMIT 1"
# On PostgreSQL the lock and the read are two statements, each with its own snapshot, so
# the read sees every event committed before the lock was granted.
# The connection plans every query with parameters for its values (see settings). What
# the transaction runs once it holds the lock, the event's INSERT and the foreign-key
# checks at COMMIT, has one plan whatever the values: the lock also lets PostgreSQL keep
# plans, as it does by default, until the transaction ends.
_LOCK_SQL = (
    f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK_KEY}), set_config('plan_cache_mode', 'auto', true)"
)


def audit_chain_tail(*, preceding: Sequence[Statement] = ()) -> tuple[int, str]:
    """Lock the audit chain for the rest of the caller's transaction and return the last
    event's sequence number and hash (0 and the genesis hash for an empty chain).

    The lock serialises appends, so that each event links to the one committed before
    it: a PostgreSQL advisory lock; on SQLite, transactions begin IMMEDIATE (see
    settings), which already serialises writers. ``preceding`` statements (the writes the
    event records) run first; on PostgreSQL they go in the same round trip.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Sent together in one round trip (psycopg's pipeline mode); an error of any of
            # them surfaces when the pipeline ends, as Django's own exception.
            with connection.wrap_database_errors, connection.connection.pipeline():
                for statement, values in preceding:
                    cursor.execute(statement, values)
                cursor.execute(_LOCK_SQL)
                cursor.execute(_TAIL_SQL)
        else:
            for statement, values in preceding:
                cursor.execute(statement, values)
            cursor.execute(_TAIL_SQL)
        last = cursor.fetchone()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address in its canonical text form (as the database returns it)."""
    return None if request is None else client_ip_address(request)


def audit_event_record(
    *,
    action: str,
    actor: AbstractBaseUser | None,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: object = "",
    patient_id: object = None,
    payload: dict[str, Any] | None = None,
    preceding: Sequence[Statement] = (),
) -> AuditEvent:
    """Append one event to the audit chain, inside the caller's transaction.

    Must be called inside ``transaction.atomic`` so that the event and the action it
    records are committed or rolled back together. ``preceding`` statements, the writes
    of that action, are run first (see ``audit_chain_tail``).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be written inside the action's transaction")
    payload = dict(payload or {})
    forbidden = _FORBIDDEN_PAYLOAD_KEYS & payload.keys()
    if forbidden:
        raise ValueError(f"audit payloads must not hold {', '.join(sorted(forbidden))}")
    last_sequence, previous_hash = audit_chain_tail(preceding=preceding)
    event = AuditEvent(
        sequence=last_sequence + 1,
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id else "",
        patient_id=patient_id,
        client_address=client_address(request),
        request_id=current_request_id.get() if request is not None else "",
        payload=payload,
        previous_hash=previous_hash,
    )
    event.hash = event.compute_hash()
    statement, values = insert_statement(event)
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        record_inserted(event, cursor)
    logger.info("audit %s %s %s", action, object_type, event.object_id)
    return event


def atomic_audit_event_record(**kwargs: Any) -> AuditEvent:
    """``audit_event_record`` in a transaction of its own (for events with no other write)."""
    with transaction.atomic():
        return audit_event_record(**kwargs)


def audit_view_record(
    *,
    request: HttpRequest,
    action: str,
    object_type: str,
    object_id: object,
    patient_id: object = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that the requesting user looked at something (a read is an event too)."""
    return atomic_audit_event_record(
        action=action,
        actor=request.user,
        request=request,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        payload=payload,
    )
