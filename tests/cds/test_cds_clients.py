"""Registering a record system in the admin: only public signing keys of the accepted
algorithms, origins as origins, every registration and change audited, never deleted."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ValidationError

from decision.audit.models import AuditEvent
from decision.cds.keys import validate_jwks, validate_origins
from decision.cds.models import CdsClient
from tests.cds.conftest import ISSUER, public_jwk

pytestmark = pytest.mark.django_db


def test_a_public_jwk_set_of_es384_and_rs384_keys_is_accepted(jwks):
    validate_jwks(jwks)


def problems_of(jwks) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_jwks(jwks)
    return " ".join(refused.value.messages)


def test_a_private_key_pasted_by_mistake_is_refused(ec_key):
    private = json.loads(__import__("jwt").algorithms.ECAlgorithm.to_jwk(ec_key))
    assert "private" in problems_of({"keys": [{**private, "kid": "k"}]})


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        ("not a set", "JWK set"),
        ({"keys": []}, "no key"),
        ({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]}, "private or secret"),
        ({"keys": [{"kty": "EC", "crv": "P-256", "kid": "p", "x": "a", "y": "b"}]}, "P-384"),
    ],
)
def test_other_key_sets_are_refused_with_the_reason(keys, words):
    assert words in problems_of(keys)


def test_keys_without_a_kid_or_with_the_same_kid_are_refused(ec_key):
    key = public_jwk(ec_key, kid="same")
    assert "kid" in problems_of({"keys": [{**key, "kid": ""}]})
    assert "unique" in problems_of({"keys": [key, key]})


def test_a_short_rsa_key_is_refused():
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    assert "2048" in problems_of({"keys": [public_jwk(short, kid="r")]})


def test_a_key_for_another_algorithm_is_refused():
    key = public_jwk(ec.generate_private_key(ec.SECP384R1()), kid="e")
    assert "ES256" in problems_of({"keys": [{**key, "alg": "ES256"}]})


def test_origins_must_be_origins():
    validate_origins("https://ehr.example.org\nhttp://localhost:8080/\n")
    with pytest.raises(ValidationError):
        validate_origins("https://ehr.example.org/path")
    with pytest.raises(ValidationError):
        validate_origins("ehr.example.org")


def test_registering_and_changing_a_client_in_the_admin_are_audited(
    client, admin_user, board_member, jwks
):
    client.force_login(admin_user)
    form = {
        "title": "Main EHR",
        "issuer": ISSUER,
        "tenant": "",
        "jwks": json.dumps(jwks),
        "user": board_member.pk,
        "allowed_origins": "https://ehr.example.org",
        "is_active": "on",
    }
    response = client.post("/admin/cds/cdsclient/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    registered = CdsClient.objects.get()
    event = AuditEvent.objects.get(action="cds.client_registered")
    assert event.actor == admin_user
    assert event.object_id == str(registered.pk)
    assert event.payload["kids"] == ["ec-1", "rsa-1"]

    response = client.post(
        f"/admin/cds/cdsclient/{registered.pk}/change/", {**form, "is_active": ""}
    )
    assert response.status_code == 302
    change = AuditEvent.objects.get(action="cds.client_changed")
    assert change.payload["changed"] == ["is_active"]
    assert change.payload["is_active"] is False


def test_the_admin_shows_a_pasted_key_set_that_is_wrong(client, admin_user, board_member):
    client.force_login(admin_user)
    form = {"title": "X", "issuer": ISSUER, "jwks": '{"keys": []}', "user": board_member.pk}
    response = client.post("/admin/cds/cdsclient/add/", form)
    assert response.status_code == 200
    assert "The JWK set holds no key." in response.content.decode()
    assert not CdsClient.objects.exists()


def test_a_client_cannot_be_deleted_in_the_admin(client, admin_user, board_ehr):
    client.force_login(admin_user)
    response = client.post(f"/admin/cds/cdsclient/{board_ehr.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert CdsClient.objects.filter(pk=board_ehr.pk).exists()
