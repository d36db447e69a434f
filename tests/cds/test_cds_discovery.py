"""Discovery: one service on the patient-view hook, shaped like the specification's
example, open without a token (it holds no patient data)."""

import pytest

from tests.cds.conftest import fixture

pytestmark = pytest.mark.django_db


def test_discovery_lists_the_service_shaped_like_the_specifications_example(client):
    example = fixture("discovery-example.json")["services"][0]
    response = client.get("/cds-services")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    (service,) = response.json()["services"]
    assert set(service) >= set(example)
    for field, value in example.items():
        assert type(service[field]) is type(value), field
    assert service["hook"] == "patient-view"
    assert service["id"] == "crlm-assessment"
    assert service["title"] and service["description"]
    assert service["prefetch"] == {"patient": "Patient/{{context.patientId}}"}


def test_discovery_answers_get_only(client):
    response = client.post("/cds-services")
    assert response.status_code == 405
    assert response["Allow"] == "GET, OPTIONS"
