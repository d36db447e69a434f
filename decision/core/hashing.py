"""Canonical JSON and SHA-256, shared by the assessment content hash and the audit chain."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _normalise(value: Any) -> Any:
    # A whole-number float and the integer are the same clinical value; databases may hand
    # either back (PostgreSQL's jsonb stores 6.0 and 6 alike as numeric), so both hash alike.
    kind = type(value)
    if kind is dict:
        return {str(key): _normalise(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_normalise(item) for item in value]
    if kind is float and value.is_integer():
        return int(value)
    return value


def canonical_json(value: Any) -> str:
    """One fixed text for a JSON-shaped value: sorted keys, no spaces, UTF-8 characters."""
    return json.dumps(_normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``, as 64 hexadecimal digits."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
