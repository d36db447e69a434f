"""API clients: each persona with a token, and the worked examples of the spec."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from decision.api import services


def token_for(user, *, days: int = 30) -> str:
    _token, text = services.api_token_create(
        admin=user, user=user, name="test system", expires_at=timezone.now() + timedelta(days=days)
    )
    return text


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")


@pytest.fixture
def surgeon_api(surgeon) -> Client:
    return token_client(surgeon)


@pytest.fixture
def board_api(board_member) -> Client:
    return token_client(board_member)


@pytest.fixture
def auditor_api(auditor) -> Client:
    return token_client(auditor)
