"""One Idempotency-Key posted many times at once, on PostgreSQL: one assessment, and the
audit chain intact."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from decision.clinic.models import Assessment
from tests.api.conftest import token_for
from tests.api.examples import EXAMPLE_1
from tests.clinic.test_assessment_concurrency import at_once
from tests.factories import make_patient

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_one_key_posted_eight_times_at_once_saves_one_assessment(surgeon):
    patient = make_patient(surgeon)
    token = token_for(surgeon)
    key = str(uuid.uuid4())
    body = json.dumps({"encounter_date": "2026-11-27", "findings": EXAMPLE_1})

    def submit(_number: int):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = client.post(
            f"/api/v1/patients/{patient.pk}/assessments/",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        return response.status_code, response.json()["id"]

    results = at_once(8, submit)

    assert {status for status, _id in results} <= {200, 201}
    assert len({assessment_id for _status, assessment_id in results}) == 1
    assert Assessment.objects.count() == 1
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
