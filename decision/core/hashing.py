"""Canonical forms, SHA-256 and HMAC, shared by the records' content hashes and the audit
chain.

A value is hashed in the form it has when read back from either database, so that a
record verifies on SQLite and on PostgreSQL alike: datetimes in UTC to the microsecond,
dates and ids as text, decimals as text, whole-number floats as integers, addresses in
one textual form (``canonical_address``), JSON with sorted keys and no whitespace.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any


def canonical_address(address: str | None) -> str | None:
    """An IP address in one textual form: an IPv4 address mapped into IPv6 as plain IPv4
    (PostgreSQL keeps ``::ffff:127.0.0.1`` where Python writes ``::ffff:7f00:1``), any
    other in Python's compressed form. None for no address or one that cannot be read."""
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(str(address).strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return str(parsed)


def canonical_datetime(moment: datetime) -> str:
    """An aware datetime in UTC, to the microsecond, always with all six digits."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _number(value: float) -> int | float:
    """A float as the number its shortest text names. PostgreSQL's jsonb keeps that text
    as an exact decimal and may give back 6.0 as 6, or 2.470186486959567e+16 as the integer
    24701864869595670 (which is not the float's exact binary value): a whole number is
    therefore hashed as that integer."""
    exact = Decimal(repr(value))
    return int(exact) if exact == exact.to_integral_value() else value


def _normalise(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {str(key): _normalise(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_normalise(item) for item in value]
    if kind is float:
        return _number(value)
    if isinstance(value, datetime):
        return canonical_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def canonical_json(value: Any) -> str:
    """One fixed text for a JSON-shaped value: sorted keys, no spaces, UTF-8 characters."""
    return json.dumps(_normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``, as 64 hexadecimal digits."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def hmac_hex(key: bytes, value: Any) -> str:
    """HMAC-SHA-256 under ``key`` of the canonical JSON of ``value``, as 64 hex digits."""
    return hmac.new(key, canonical_json(value).encode("utf-8"), hashlib.sha256).hexdigest()
