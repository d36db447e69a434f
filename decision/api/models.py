"""API tokens: how a system, acting for one user, signs in to the JSON API."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "crlm_"  # noqa: S105 (marks a token as ours; not a secret)


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256 (a token is 256 random bits, so a fast hash
    is enough; the token itself is shown once and never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A token acting for ``user``, with that user's roles, until it expires or is revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What uses this token, e.g. 'Registry import (J. Smith)'."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The start of the token, to recognise it in lists; not enough to use it.
    key_start = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_start}…)"

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at and self.user.is_active
