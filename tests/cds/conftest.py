"""Record systems for the CDS Hooks tests: keys made here, tokens signed with them, and
clients registered the way an administrator registers them."""

from __future__ import annotations

import copy
import json
import time
import uuid
from datetime import date
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from decision.cds import services
from decision.cds.models import CdsClient
from tests.factories import make_patient

FIXTURES = Path(__file__).parent / "fixtures"
ISSUER = "https://ehr.example.org/"
SERVICE_PATH = "/cds-services/crlm-assessment"
FEEDBACK_PATH = "/cds-services/crlm-assessment/feedback"
MRN = "MRN-CDS-1"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def hook_request(**changes) -> dict:
    """The specification's patient-view example, adapted to the test patient."""
    request = copy.deepcopy(fixture("patient-view-request.json"))
    request.update(changes)
    return request


@pytest.fixture(scope="session")
def ec_key():
    return ec.generate_private_key(ec.SECP384R1())


@pytest.fixture(scope="session")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(private_key, *, kid: str) -> dict:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        key, alg = (
            jwt.algorithms.ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True),
            "ES384",
        )
    else:
        key, alg = (
            jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True),
            "RS384",
        )
    return {**key, "kid": kid, "use": "sig", "alg": alg}


@pytest.fixture(scope="session")
def jwks(ec_key, rsa_key) -> dict:
    return {"keys": [public_jwk(ec_key, kid="ec-1"), public_jwk(rsa_key, kid="rsa-1")]}


def sign(key, *, alg: str = "ES384", kid: str = "ec-1", header: dict | None = None, **claims):
    """A token as a record system makes it; a claim given as None is left out."""
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": f"http://testserver{SERVICE_PATH}",
        "exp": now + 300,
        "iat": now,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, **(header or {})})


@pytest.fixture
def register(admin_user, jwks):
    """Register a client as an administrator does, reading as ``user``."""

    def register_client(user, **fields) -> CdsClient:
        values = {"title": "Main EHR", "issuer": ISSUER, "jwks": jwks, "user": user, **fields}
        client = CdsClient(**values)
        client.full_clean()
        return services.cds_client_save(client=client, author=admin_user, changed=list(values))

    return register_client


@pytest.fixture
def board_ehr(register, board_member):
    return register(board_member)


@pytest.fixture
def patient(surgeon):
    return make_patient(surgeon, mrn=MRN, date_of_birth=date(1958, 4, 12))


def call(client, token: str | None, body, *, path: str = SERVICE_PATH, **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", **headers)
