"""Writes for API tokens. Each is one transaction with its audit event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from decision.api.models import ApiToken, token_hash, token_new
from decision.audit.services import audit_event_record


def api_token_create(
    *,
    admin: AbstractBaseUser,
    user: AbstractBaseUser,
    name: str,
    expires_at: datetime,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its text, which is never stored and so can
    be shown only this once."""
    text = token_new()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_hash=token_hash(text),
            key_start=text[:12],
            expires_at=expires_at,
        )
        audit_event_record(
            action="api.token_created",
            actor=admin,
            request=request,
            object_type="api_token",
            object_id=token.pk,
            payload={"for_user": user.pk, "expires_at": expires_at.isoformat()},
        )
    return token, text


def api_tokens_revoke(
    *, admin: AbstractBaseUser, tokens: Iterable[ApiToken], request: HttpRequest | None = None
) -> int:
    """Revoke the tokens not yet revoked; returns how many were."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for token in tokens:
            if token.revoked_at is not None:
                continue
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_event_record(
                action="api.token_revoked",
                actor=admin,
                request=request,
                object_type="api_token",
                object_id=token.pk,
                payload={"for_user": token.user_id},
            )
            count += 1
    return count
