"""API tokens: made by an administrator, shown once, stored as a hash, revocable, expiring,
and throttled."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from decision.api.models import ApiToken
from decision.audit.models import AuditEvent
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db


def bearer(text: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_an_administrator_makes_a_token_that_is_shown_once_and_stored_as_a_hash(
    client, admin_user, surgeon
):
    client.force_login(admin_user)
    expires = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d")
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "user": surgeon.pk,
            "name": "Registry import",
            "expires_at_0": expires,
            "expires_at_1": "12:00:00",
        },
        follow=True,
    )

    shown = re.findall(r"crlm_[A-Za-z0-9_-]{40,}", response.content.decode())
    assert len(shown) == 1
    token = ApiToken.objects.get()
    assert shown[0] not in (token.key_hash, token.key_start)
    assert token.key_hash != shown[0] and len(token.key_hash) == 64
    assert bearer(shown[0]).get("/api/v1/patients/?mrn=X").status_code == 200
    assert shown[0] not in client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    event = AuditEvent.objects.get(action="api.token_created")
    assert event.actor == admin_user and event.payload["for_user"] == surgeon.pk


def test_a_revoked_token_is_refused_and_the_revocation_audited(client, admin_user, surgeon):
    text = token_for(surgeon)
    client.force_login(admin_user)

    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [str(ApiToken.objects.get().pk)]},
    )

    assert bearer(text).get("/api/v1/patients/?mrn=X").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoked", actor=admin_user).exists()


def test_an_expired_token_is_refused(surgeon):
    text = token_for(surgeon)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = bearer(text).get("/api/v1/patients/?mrn=X")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "errors" in response.json()


def test_a_deactivated_users_token_is_refused(surgeon):
    text = token_for(surgeon)
    surgeon.is_active = False
    surgeon.save()

    assert bearer(text).get("/api/v1/patients/?mrn=X").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer crlm_unknown", "Bearer \u00e9"])
def test_malformed_or_unknown_tokens_are_refused_with_json(header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/patients/?mrn=X")
    assert response.status_code == 401
    assert "errors" in response.json()


def test_tokens_cannot_be_edited_or_deleted_in_the_admin(client, admin_user, surgeon):
    token_for(surgeon)
    token = ApiToken.objects.get()
    client.force_login(admin_user)

    client.post(
        f"/admin/api/apitoken/{token.pk}/change/",
        {
            "user": admin_user.pk,
            "name": "changed",
            "expires_at_0": "2099-01-01",
            "expires_at_1": "0:0:0",
        },
    )

    token.refresh_from_db()
    assert (token.user, token.name) == (surgeon, "test system")
    assert client.post(f"/admin/api/apitoken/{token.pk}/delete/").status_code == 403


def test_too_many_requests_get_429_with_retry_after_and_each_token_has_its_own_budget(
    monkeypatch, surgeon
):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    client, other = bearer(token_for(surgeon)), bearer(token_for(surgeon))

    statuses = [client.get("/api/v1/patients/?mrn=X").status_code for _ in range(4)]
    limited = client.get("/api/v1/patients/?mrn=X")

    assert statuses == [200, 200, 200, 429]
    assert int(limited["Retry-After"]) > 0
    assert "errors" in limited.json()
    assert other.get("/api/v1/patients/?mrn=X").status_code == 200
