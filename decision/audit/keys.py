"""The audit chain's keys. The current key signs new events; previous keys, kept after a
rotation, still verify the older ones. The database holds only each key's id, derived
from the key, never the key."""

from __future__ import annotations

import hashlib

from django.conf import settings

# The event that starts a new segment of the chain, under a new key.
KEY_ROTATED = "audit.key_rotated"


def key_id(key: str) -> str:
    """A short id of a key, which tells the keys apart without revealing them."""
    return hashlib.sha256(b"crlm audit key id\0" + key.encode("utf-8")).hexdigest()[:16]


def current_key() -> tuple[str, bytes]:
    """The id and bytes of the key new events are signed with (``DJANGO_AUDIT_KEY``)."""
    return key_id(settings.AUDIT_KEY), settings.AUDIT_KEY.encode("utf-8")


def known_keys() -> dict[str, bytes]:
    """Every key this server holds, current and previous, by id."""
    keys = (settings.AUDIT_KEY, *settings.AUDIT_PREVIOUS_KEYS)
    return {key_id(key): key.encode("utf-8") for key in keys}
