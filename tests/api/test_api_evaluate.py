"""POST /api/v1/evaluate: the evaluator's contract over HTTP, identical to the command."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.api.examples import AS_OF, EXAMPLE_1, EXAMPLE_6, EXPECTED

pytestmark = pytest.mark.django_db


def command_output(raw: bytes, as_of: str = AS_OF) -> tuple[int, dict]:
    out = io.BytesIO()
    try:
        call_command("evaluate", "--as-of", as_of, stdin=io.BytesIO(raw), stdout=out)
    except SystemExit as exit_:
        return exit_.code, json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def post(client, raw: bytes, as_of: str | None = AS_OF):
    url = "/api/v1/evaluate" + (f"?as_of={as_of}" if as_of else "")
    return client.post(url, raw, content_type="application/json")


@pytest.mark.parametrize(("example", "code", "score", "score_range"), EXPECTED)
def test_each_worked_example_gives_the_commands_output_and_the_specs_figures(
    surgeon_api, example, code, score, score_range
):
    raw = json.dumps(example).encode()

    response = post(surgeon_api, raw)

    assert response.status_code == 200
    body = response.json()
    assert command_output(raw) == (0, body)
    assert body["recommendation"]["code"] == code
    crs = body["fong_crs"]
    assert (crs["score"], crs["score_min"], crs["score_max"]) == (score, *score_range)


def test_the_response_is_the_commands_text_byte_for_byte(surgeon_api):
    raw = json.dumps(EXAMPLE_1).encode()
    out = io.BytesIO()
    call_command("evaluate", "--as-of", AS_OF, stdin=io.BytesIO(raw), stdout=out)

    assert post(surgeon_api, raw).content == out.getvalue()


def test_invalid_findings_get_400_with_the_commands_errors(surgeon_api):
    raw = json.dumps(EXAMPLE_6).encode()

    response = post(surgeon_api, raw)

    assert response.status_code == 400
    status, expected = command_output(raw)
    assert status == 1
    assert response.json() == expected
    assert {"symptomatic_primary", "primary_resection_date"} <= set(response.json()["errors"])


@pytest.mark.parametrize("raw", [b"", b"[1, 2]", b"{not json", '{"cea_ng_ml": 1}'.encode("utf-16")])
def test_input_that_is_not_one_json_object_gets_400_under_all(surgeon_api, raw):
    response = post(surgeon_api, raw)

    assert response.status_code == 400
    assert command_output(raw)[1] == response.json()
    assert list(response.json()["errors"]) == ["__all__"]


def test_as_of_moves_the_future(surgeon_api):
    raw = json.dumps(EXAMPLE_1).encode()
    assert post(surgeon_api, raw, as_of="2026-09-30").status_code == 400
    assert post(surgeon_api, raw, as_of="2026-10-01").status_code == 200


def test_a_malformed_as_of_is_an_error_on_as_of(surgeon_api):
    response = post(surgeon_api, json.dumps(EXAMPLE_1).encode(), as_of="27/11/2026")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["as_of"]


def test_nothing_is_stored_but_the_audit_event(surgeon_api):
    from decision.audit.models import AuditEvent
    from decision.clinic.models import Assessment, Patient

    post(surgeon_api, json.dumps(EXAMPLE_1).encode())

    assert not Assessment.objects.exists() and not Patient.objects.exists()
    actions = AuditEvent.objects.order_by("sequence").values_list("action", flat=True)
    assert list(actions) == ["api.token_created", "api.evaluated"]
