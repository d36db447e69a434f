"""Malformed and hostile requests to every POST URL, as every role: never a server error.

A body that cannot be read as a form gets the 400 page and writes nothing; a readable
body holding what no form expects (over-long values, NUL characters, stray files) gets a
form error, a refusal or a redirect. The fixed corpus is ``malformed_requests.py``;
Hypothesis adds shapes of its own.
"""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision.audit.models import AuditEvent
from decision.board.models import BoardDecision
from decision.clinic.models import Assessment, Patient
from tests.core import test_access_matrix as matrix
from tests.core.malformed_requests import HOSTILE, UNREADABLE
from tests.core.test_access_matrix import MATRIX, PERSONAS, fill

world = matrix.world  # the same people and records as the access matrix

pytestmark = pytest.mark.django_db

CSRF_TOKEN = "A" * 32
LOGIN_FIELDS = {"username": "", "password": ""}
# The app's POST URLs with the fields their forms expect, and the admin's login.
POST_URLS = [(path, data) for _name, method, path, data, _expected in MATRIX if method == "post"]
POST_URLS += [("/login/", LOGIN_FIELDS), ("/admin/login/", LOGIN_FIELDS)]
# The JSON API's writes (its own matrix is tests/api/test_access.py).
POST_URLS += [
    ("/api/v1/evaluate", {}),
    ("/api/v1/patients/", {"mrn": "", "family_name": ""}),
    ("/api/v1/patients/{patient}/assessments/", {"encounter_date": ""}),
]


def refused_as_unreadable(response, url: str) -> bool:
    if url.startswith(("/api/", "/cds-services")):
        return response.status_code == 400 and "json" in response["Content-Type"]
    return response.status_code == 400 and b"The request could not be read" in response.content


def client_as(persona: str, people: dict) -> Client:
    """A client that passes the CSRF check as a real attacker can: the cookie it was
    handed, echoed in the header."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if people[persona] is not None:
        client.force_login(people[persona])
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


def send(client: Client, path: str, content_type: str, body: bytes):
    return client.generic(
        "POST", path, body, content_type=content_type, HTTP_X_CSRFTOKEN=CSRF_TOKEN
    )


def written() -> tuple[int, ...]:
    models = (AuditEvent, Patient, Assessment, BoardDecision, AccessAttempt, get_user_model())
    return tuple(model.objects.count() for model in models)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "content_type", "body"), UNREADABLE, ids=[c[0] for c in UNREADABLE]
)
def test_an_unreadable_body_gets_the_400_page_and_writes_nothing(
    world, caplog, persona, name, content_type, body
):
    client = client_as(persona, world["personas"])
    before = written()
    for path, _data in POST_URLS:
        url = fill(path, world["values"])
        with caplog.at_level(logging.WARNING):
            response = send(client, url, content_type, body)
        assert refused_as_unreadable(response, url), url
        assert body[:64] not in caplog.text.encode(errors="replace")
    assert written() == before
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "content_type", "body"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_a_hostile_body_never_gets_a_server_error(world, caplog, persona, name, content_type, body):
    client = client_as(persona, world["personas"])
    for path, _data in POST_URLS:
        response = send(client, fill(path, world["values"]), content_type, body)
        assert response.status_code < 500, path
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def _over_long(data: dict, length: int) -> dict:
    return {
        field: [value * length for value in ("x",) * len(original)]
        if isinstance(original, list)
        else "x" * length
        for field, original in {**data, **LOGIN_FIELDS}.items()
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("length", [256, 300, 100_000])
def test_over_long_values_in_every_field_never_get_a_server_error(world, caplog, persona, length):
    client = client_as(persona, world["personas"])
    for path, data in POST_URLS:
        response = client.post(
            fill(path, world["values"]), _over_long(data, length), HTTP_X_CSRFTOKEN=CSRF_TOKEN
        )
        assert response.status_code < 500, path
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


_CHARSETS = ["", "utf-8", "latin-1", "utf-16", "utf-32", "cp1252", "ascii", "utf-7", "x-bogus"]
_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""]


@st.composite
def request_shapes(draw):
    """A content type with an optional charset and boundary, and a body that is either
    random bytes, a form encoded in some charset, or multipart parts around a boundary."""
    kind = draw(st.sampled_from(_TYPES))
    charset = draw(st.sampled_from(_CHARSETS))
    boundary = draw(st.one_of(st.just(""), st.text(min_size=1, max_size=90)))
    content_type = kind
    if charset:
        content_type += f"; charset={charset}"
    if kind == "multipart/form-data" and boundary:
        content_type += f"; boundary={boundary}"
    fields = draw(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=300)), max_size=8))
    encoding = charset if charset not in ("", "x-bogus") else "utf-8"
    form = "&".join(f"{name}={value}" for name, value in fields)
    parts = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode(
            encoding, errors="replace"
        )
        for name, value in fields
    )
    body = draw(
        st.sampled_from(
            [
                form.encode(encoding, errors="replace"),
                parts + f"--{boundary}--\r\n".encode(encoding, errors="replace"),
                parts,
            ]
        )
        | st.binary(max_size=2_000)
    )
    return content_type, body


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    persona=st.sampled_from(PERSONAS),
    target=st.sampled_from(POST_URLS),
    shape=request_shapes(),
)
def test_no_request_shape_gets_a_server_error(world, persona, target, shape):
    content_type, body = shape
    client = client_as(persona, world["personas"])
    response = send(client, fill(target[0], world["values"]), content_type, body)
    assert response.status_code < 500
