"""Writing audit events. Every event is appended in the caller's transaction."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from decision.audit.keys import KEY_ROTATED, current_key, known_keys
from decision.audit.models import GENESIS_HASH, AuditEvent
from decision.core.hashing import hmac_hex
from decision.core.requests import client_ip_address, current_request_id

logger = logging.getLogger(__name__)

# Any constant works; it only has to be the same for every writer of the audit chain.
_CHAIN_LOCK_KEY = 0x43524C4D  # "CRLM"

# Keys that must never reach an audit payload: who a patient is (names, MRNs, dates of
# birth), what was found or decided for them (the auditor sees who did what, when), and
# what lets someone sign in (passwords, two-factor codes and secrets).
_FORBIDDEN_PAYLOAD_KEYS = frozenset(
    {
        *("mrn", "family_name", "given_name", "name", "date_of_birth", "search"),
        *("findings", "result", "recommendation_code", "intent", "outcome", "plan", "rationale"),
        *("password", "code", "token", "secret", "key"),
    }
)


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be written inside the action's transaction")


def audit_chain_lock() -> None:
    """Hold the audit chain's lock until the caller's transaction ends.

    Every audited write holds it from this call to its commit, so writes happen one at a
    time and each event links to the one committed before it. A service that reads
    before it writes (an idempotency key, the latest decision) takes it first, so that
    what it read still holds when it commits. On PostgreSQL this is an advisory lock;
    SQLite's transactions begin IMMEDIATE (see settings), which already serialises writers.
    """
    _require_transaction()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def audit_chain_tail() -> tuple[int, str]:
    """Lock the audit chain and return the last event's sequence number and link (0 and
    the genesis hash for an empty chain). When the chain's last event was signed with
    another key than the current one, first record that the chain continues under the
    current key (``audit_key_rotation_record``)."""
    audit_chain_lock()
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash", "key_id")
    sequence, previous_hash, previous_key_id = last.first() or (0, GENESIS_HASH, "")
    if previous_key_id and previous_key_id != current_key()[0]:
        rotation = audit_key_rotation_record(
            sequence=sequence + 1, previous_hash=previous_hash, previous_key_id=previous_key_id
        )
        sequence, previous_hash = rotation.sequence, rotation.hash
    return sequence, previous_hash


def audit_key_rotation_record(
    *, sequence: int, previous_hash: str, previous_key_id: str
) -> AuditEvent:
    """Append the event that starts a segment under the current key. Its ``proof`` is an
    HMAC under the previous key (when this server still holds it) of the new key's id and
    the chain's link, so that only a holder of both keys can have made the switch."""
    key_id, _key = current_key()
    previous_key = known_keys().get(previous_key_id)
    switch = {"key_id": key_id, "previous_hash": previous_hash}
    event = AuditEvent(
        sequence=sequence,
        occurred_at=timezone.now(),
        action=KEY_ROTATED,
        payload={
            "previous_key_id": previous_key_id,
            "proof": hmac_hex(previous_key, switch) if previous_key else None,
        },
        previous_hash=previous_hash,
    )
    audit_event_seal(event)
    event.save()
    logger.info("audit %s from key %s to key %s", KEY_ROTATED, previous_key_id, key_id)
    return event


def audit_event_seal(event: AuditEvent) -> None:
    """Sign ``event``, already linked to the one before, with the current audit key."""
    event.key_id, key = current_key()
    event.hash = event.compute_hash(key)


def audit_event_record(
    *,
    action: str,
    actor: AbstractBaseUser | None,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: object = "",
    patient_id: object = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit chain, inside the caller's transaction.

    Must be called inside ``transaction.atomic`` so that the event and the action it
    records are committed or rolled back together.
    """
    _require_transaction()
    payload = dict(payload or {})
    forbidden = _FORBIDDEN_PAYLOAD_KEYS & payload.keys()
    if forbidden:
        raise ValueError(f"audit payloads must not hold {', '.join(sorted(forbidden))}")
    last_sequence, previous_hash = audit_chain_tail()
    event = AuditEvent(
        sequence=last_sequence + 1,
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id else "",
        patient_id=patient_id,
        client_address=client_ip_address(request) if request is not None else None,
        request_id=current_request_id.get() if request is not None else "",
        payload=payload,
        previous_hash=previous_hash,
    )
    audit_event_seal(event)
    event.save()
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
