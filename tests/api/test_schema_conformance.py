"""Schemathesis against the API's own schema: generated requests to every operation, with a
surgeon's token; no server error, and every response as the schema describes it."""

from __future__ import annotations

import json
import uuid

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from tests.api.conftest import token_for
from tests.factories import make_assessment, make_decision, make_patient

# Examples per operation: enough to reach every documented answer, bounded for CI.
EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def connections_kept_open():
    """Requests through WSGI close the database connection when they end, which would end
    the test's transaction; Django's own test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_auth(db, surgeon, connections_kept_open) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(surgeon)}"}


def _api_schema():
    """The schema the app serves at /api/v1/schema/, generated in-process, with the app
    itself (through WSGI) as the server the generated requests go to."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))
    config = SchemathesisConfig()
    # The token is given to every call below; generated Authorization headers would only
    # be replaced by it.
    config.projects.default.generation.update(with_security_parameters=False)
    loaded = schemathesis.openapi.from_dict(document, config=config)
    loaded.app = get_wsgi_application()
    return loaded


schema = _api_schema()


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return value is not None


@pytest.fixture
def stored(surgeon, board_member) -> dict[str, str]:
    """A patient with a corrected assessment that the board has decided."""
    patient = make_patient(surgeon)
    original = make_assessment(patient, surgeon)
    correction = make_assessment(patient, surgeon, supersedes=original, supersede_reason="typo")
    make_decision(correction, board_member, outcome="alternative", plan="Systemic therapy first")
    return {"patient_id": str(patient.pk), "assessment_id": str(correction.pk)}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_its_schema_says(case, api_auth, stored):
    # Generated ids would only ever meet 404 (the access tests cover that); real ones make
    # the records' own responses meet the schema.
    # A malformed id (a negative case) is kept: it must be refused.
    for name, value in stored.items():
        if _is_uuid((case.path_parameters or {}).get(name)):
            case.path_parameters[name] = value
    # The contract's cross-field rules (a resection date only when resected, no date after
    # the evaluation date) cannot be written in OpenAPI 3.0, so a schema-valid body may be
    # refused with a documented 400; the check that every schema-valid body is accepted
    # does not apply.
    case.call_and_validate(headers=api_auth, excluded_checks=[positive_data_acceptance])
