"""Trusting CDS Clients: only tokens a registered record system signed with ES384 or RS384,
for this endpoint, fresh and never seen before."""

import time

import jwt
import pytest

from decision.audit.models import AuditEvent
from tests.cds.conftest import ISSUER, SERVICE_PATH, call, hook_request, sign

pytestmark = pytest.mark.django_db


def refusals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="cds.request_refused").order_by("sequence"))


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response["WWW-Authenticate"].startswith("Bearer")
    events = refusals()
    assert [event.payload["reason"] for event in events] == [reason]


@pytest.mark.parametrize(("alg", "kid"), [("ES384", "ec-1"), ("RS384", "rsa-1")])
def test_it_accepts_a_good_token_of_each_recommended_algorithm(
    client, board_ehr, patient, ec_key, rsa_key, alg, kid
):
    key = ec_key if alg == "ES384" else rsa_key
    response = call(client, sign(key, alg=alg, kid=kid), hook_request())
    assert response.status_code == 200, response.content
    assert refusals() == []


def test_an_unsigned_token_is_refused(client, board_ehr):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": f"http://testserver{SERVICE_PATH}", "exp": now + 60}
    token = jwt.encode({**claims, "iat": now, "jti": "x"}, None, algorithm="none")
    assert_refused(call(client, token, hook_request()), "algorithm_refused")


def test_an_hmac_token_is_refused_even_when_keyed_with_the_public_key(client, board_ehr, jwks):
    token = sign("a-secret-shared-with-nobody-of-32b", alg="HS256")
    assert_refused(call(client, token, hook_request()), "algorithm_refused")


def test_a_token_for_another_audience_is_refused(client, board_ehr, ec_key):
    token = sign(ec_key, aud="https://elsewhere.example.org/cds-services/crlm-assessment")
    assert_refused(call(client, token, hook_request()), "wrong_audience")


def test_an_expired_token_is_refused(client, board_ehr, ec_key):
    now = int(time.time())
    token = sign(ec_key, iat=now - 900, exp=now - 600)
    assert_refused(call(client, token, hook_request()), "expired")


def test_a_replayed_token_is_refused_the_second_time(client, board_ehr, patient, ec_key):
    token = sign(ec_key)
    assert call(client, token, hook_request()).status_code == 200
    assert_refused(call(client, token, hook_request()), "replayed")


def test_an_unknown_issuer_is_refused(client, board_ehr, ec_key):
    token = sign(ec_key, iss="https://stranger.example.org/")
    response = call(client, token, hook_request())
    assert_refused(response, "unknown_issuer")
    assert refusals()[0].payload["issuer"] == "https://stranger.example.org/"


def test_a_signature_by_another_key_is_refused(client, board_ehr):
    from cryptography.hazmat.primitives.asymmetric import ec

    forger = ec.generate_private_key(ec.SECP384R1())
    assert_refused(call(client, sign(forger), hook_request()), "bad_signature")


def test_a_key_the_client_did_not_register_is_refused(client, board_ehr, ec_key):
    assert_refused(call(client, sign(ec_key, kid="ec-9"), hook_request()), "unknown_key")


def test_a_key_used_with_another_algorithm_than_its_own_is_refused(client, board_ehr, rsa_key):
    token = sign(rsa_key, alg="RS384", kid="ec-1")
    assert_refused(call(client, token, hook_request()), "unknown_key")


@pytest.mark.parametrize("claim", ["exp", "iat", "jti"])
def test_a_token_without_a_required_claim_is_refused(client, board_ehr, ec_key, claim):
    token = sign(ec_key, **{claim: None})
    assert_refused(call(client, token, hook_request()), "malformed_token")


def test_a_token_valid_for_more_than_an_hour_is_refused(client, board_ehr, ec_key):
    token = sign(ec_key, exp=int(time.time()) + 2 * 3600)
    assert_refused(call(client, token, hook_request()), "lifetime_too_long")


def test_a_call_without_a_token_is_refused(client, board_ehr):
    assert_refused(call(client, None, hook_request()), "missing_token")


def test_a_deactivated_client_is_refused(client, board_ehr, ec_key):
    board_ehr.is_active = False
    board_ehr.save()
    assert_refused(call(client, sign(ec_key), hook_request()), "unknown_issuer")


def test_a_tenant_registered_for_the_client_must_be_in_the_token(
    client, register, board_member, patient, ec_key
):
    register(board_member, tenant="st-elsewhere")
    assert_refused(call(client, sign(ec_key, tenant="another"), hook_request()), "unknown_issuer")
    assert call(client, sign(ec_key, tenant="st-elsewhere"), hook_request()).status_code == 200


def test_the_audience_is_the_configured_base_url_when_set(
    client, board_ehr, patient, ec_key, settings
):
    settings.CDS_HOOKS_BASE_URL = "https://crlm.example.org"
    good = sign(ec_key, aud=f"https://crlm.example.org{SERVICE_PATH}")
    assert call(client, good, hook_request()).status_code == 200
    assert_refused(call(client, sign(ec_key), hook_request()), "wrong_audience")


def test_refusals_never_hold_the_token(client, board_ehr, ec_key):
    token = sign(ec_key, aud="https://elsewhere.example.org/")
    call(client, token, hook_request())
    event = refusals()[0]
    assert token not in str(event.payload)
    assert token.split(".")[2] not in str(event.payload)


def test_a_logged_in_browser_session_gives_no_access_without_a_token(client, admin_user):
    client.force_login(admin_user)
    response = call(client, None, hook_request())
    assert response.status_code == 401


def test_a_token_issued_in_the_future_is_refused(client, board_ehr, ec_key):
    now = int(time.time())
    token = sign(ec_key, iat=now + 600, exp=now + 900)
    assert_refused(call(client, token, hook_request()), "not_yet_valid")
