from __future__ import annotations

from django.conf import settings
from django.db import models

from decision.core.hashing import canonical_address, canonical_datetime, hmac_hex
from decision.core.immutable import ImmutableModel

GENESIS_HASH = "0" * 64


class AuditEvent(ImmutableModel):
    """One thing that happened, who did it, from where; chained to the event before.

    ``hash`` is the event's link: an HMAC, under the audit key ``key_id`` names, of the
    event's content and the previous event's link. ``payload`` holds no names, MRNs,
    dates of birth or clinical values: only ids, hashes and counts.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    # Indexed by audit_actor_idx, which also serves the foreign key.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.UUIDField(null=True, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        # The log is read newest first, whole or narrowed by one of these columns.
        indexes = [
            models.Index(fields=["action", "-sequence"], name="audit_action_idx"),
            models.Index(fields=["actor", "-sequence"], name="audit_actor_idx"),
            models.Index(fields=["patient_id", "-sequence"], name="audit_patient_idx"),
            models.Index(fields=["occurred_at", "sequence"], name="audit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def compute_hash(self, key: bytes) -> str:
        return hmac_hex(key, self.hashed_content())

    def hashed_content(self) -> dict[str, object]:
        """Everything the event's link covers, in the canonical form either database gives
        back."""
        return {
            "sequence": self.sequence,
            "occurred_at": canonical_datetime(self.occurred_at),
            "actor": self.actor_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "patient_id": str(self.patient_id) if self.patient_id else None,
            "client_address": canonical_address(self.client_address),
            "request_id": self.request_id,
            "payload": self.payload,
            "previous_hash": self.previous_hash,
            "key_id": self.key_id,
        }
