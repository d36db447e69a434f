"""Every API endpoint and method, for each persona, with a token and with a browser session.

Roles apply as on the web pages: clinical records are "not found" (404) for those without
a clinical role, recording is refused (403) to the tumor board, and a request without a
valid token or session gets 401.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from tests.api.conftest import token_for
from tests.api.examples import EXAMPLE_1
from tests.core.test_access_matrix import PERSONAS
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 401,
    "surgeon": 200,
    "board_member": 200,
    "auditor": 404,
    "no_role_user": 404,
    "admin_user": 200,
}
WRITE = {**READ, "board_member": 403}
CREATED = {persona: 201 if code == 200 else code for persona, code in WRITE.items()}
ANY_USER = {**dict.fromkeys(PERSONAS, 200), "anonymous": 401}

# (url name, method, path, JSON body or None, expected status by persona)
API_MATRIX = [
    ("api_evaluate", "post", "/api/v1/evaluate", EXAMPLE_1, READ),
    ("api_patients", "get", "/api/v1/patients/?mrn=API-1", None, READ),
    (
        "api_patients",
        "post",
        "/api/v1/patients/",
        {
            "mrn": "N-{key}",
            "family_name": "Api",
            "given_name": "Ada",
            "date_of_birth": "1960-01-01",
            "sex": "female",
        },
        CREATED,
    ),
    ("api_patient_detail", "get", "/api/v1/patients/{patient}/", None, READ),
    ("api_patient_assessments", "get", "/api/v1/patients/{patient}/assessments/", None, READ),
    (
        "api_patient_assessments",
        "post",
        "/api/v1/patients/{patient}/assessments/",
        {"encounter_date": "2026-11-27", "findings": EXAMPLE_1},
        CREATED,
    ),
    ("api_patient_fhir", "get", "/api/v1/patients/{patient}/fhir", None, READ),
    ("api_assessment_detail", "get", "/api/v1/assessments/{case}/", None, READ),
    ("api_assessment_fhir", "get", "/api/v1/assessments/{case}/fhir", None, READ),
    ("api_schema", "get", "/api/v1/schema/", None, ANY_USER),
]
# The schema's interactive page is a page for people: it needs a login, as the web pages do.
BROWSER_PAGES = ["api_schema_docs"]


@pytest.fixture
def api_world(surgeon, board_member, auditor, no_role_user, admin_user):
    patient = make_patient(surgeon, mrn="API-1")
    case = make_assessment(patient, surgeon)
    people = {
        "anonymous": None,
        "surgeon": surgeon,
        "board_member": board_member,
        "auditor": auditor,
        "no_role_user": no_role_user,
        "admin_user": admin_user,
    }
    return people, {"patient": patient.pk, "case": case.pk}


def _fill(template, values):
    if isinstance(template, str):
        return template.replace("{key}", uuid.uuid4().hex[:8]).format(**values)
    if isinstance(template, dict):
        return {name: _fill(value, values) for name, value in template.items()}
    return template


def client_for(user, how: str) -> Client:
    if user is None:
        return Client()
    if how == "token":
        return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    client = Client()
    client.force_login(user)
    return client


CASES = [
    pytest.param(
        method, path, body, persona, expected[persona], how, id=f"{how}-{method}-{name}-{persona}"
    )
    for name, method, path, body, expected in API_MATRIX
    for persona in PERSONAS
    for how in ("token", "session")
]


@pytest.mark.parametrize(("method", "path", "body", "persona", "expected", "how"), CASES)
def test_each_endpoint_answers_each_persona_as_its_role_allows(
    api_world, method, path, body, persona, expected, how
):
    people, values = api_world
    client = client_for(people[persona], how)
    extra = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    if body is None:
        response = getattr(client, method)(_fill(path, values), **extra)
    else:
        payload = json.dumps(_fill(body, values))
        response = getattr(client, method)(
            _fill(path, values), payload, content_type="application/json", **extra
        )
    assert response.status_code == expected
    if expected >= 400:
        assert "errors" in response.json()


def test_the_api_matrix_covers_every_api_url():
    from django.urls import get_resolver

    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    covered = {row[0] for row in API_MATRIX} | set(BROWSER_PAGES)
    assert {name for name in names if name.startswith("api_")} == covered


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_schemas_interactive_page_needs_a_login_and_nothing_more(api_world, persona):
    people, _values = api_world
    response = client_for(people[persona], "session").get("/api/v1/schema/docs/")
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    else:
        assert response.status_code == 200
        assert b"swagger-ui" in response.content


def test_a_session_short_of_its_second_factor_gets_json_403_and_a_token_is_unaffected(
    settings, surgeon
):
    settings.TWO_FACTOR_REQUIRED = True
    browser = Client()
    browser.force_login(surgeon)

    refused = browser.get("/api/v1/patients/?mrn=X")
    served = client_for(surgeon, "token").get("/api/v1/patients/?mrn=X")

    assert refused.status_code == 403
    assert "two-factor" in refused.json()["errors"]["__all__"][0]
    assert served.status_code == 200
