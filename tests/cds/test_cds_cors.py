"""CORS: browsers may read answers only from the origins registered for a client."""

import pytest

from tests.cds.conftest import SERVICE_PATH, call, hook_request, sign

pytestmark = pytest.mark.django_db
EHR = "https://ehr.example.org"


@pytest.fixture
def browser_ehr(register, board_member):
    return register(board_member, allowed_origins=EHR)


def test_a_preflight_from_a_registered_origin_is_allowed(client, browser_ehr):
    response = client.options(
        SERVICE_PATH,
        HTTP_ORIGIN=EHR,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == EHR
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Authorization" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_a_preflight_from_another_origin_gets_no_permission(client, browser_ehr):
    response = client.options(SERVICE_PATH, HTTP_ORIGIN="https://evil.example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_the_answer_is_readable_by_the_clients_own_origin_only(
    client, browser_ehr, register, no_role_user, patient, ec_key
):
    answered = call(client, sign(ec_key), hook_request(), HTTP_ORIGIN=EHR)
    assert answered["Access-Control-Allow-Origin"] == EHR
    assert "Origin" in answered["Vary"]
    other = call(client, sign(ec_key), hook_request(), HTTP_ORIGIN="https://evil.example.org")
    assert "Access-Control-Allow-Origin" not in other


def test_discovery_is_readable_from_a_registered_origin(client, browser_ehr):
    response = client.get("/cds-services", HTTP_ORIGIN=EHR)
    assert response["Access-Control-Allow-Origin"] == EHR
