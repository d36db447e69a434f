"""Patients and assessments through the API: the web's validation, services and audit."""

from __future__ import annotations

import json
import uuid

import pytest

from decision.audit.models import AuditEvent
from decision.clinic.models import Assessment, Patient
from tests.api.examples import EXAMPLE_1, EXAMPLE_3
from tests.factories import make_assessment, make_decision, make_patient

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "mrn": "A-100",
    "family_name": "Okafor",
    "given_name": "Ngozi",
    "date_of_birth": "1961-05-02",
    "sex": "female",
}


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def record(client, patient, body, key):
    return post_json(
        client, f"/api/v1/patients/{patient.pk}/assessments/", body, HTTP_IDEMPOTENCY_KEY=str(key)
    )


def test_a_patient_registered_through_the_api_is_found_by_mrn(surgeon_api):
    created = post_json(surgeon_api, "/api/v1/patients/", NEW_PATIENT)

    assert created.status_code == 201
    found = surgeon_api.get("/api/v1/patients/?mrn=a-100").json()
    assert [patient["id"] for patient in found] == [created.json()["id"]]
    assert created["Location"] == created.json()["url"]
    assert AuditEvent.objects.filter(action="patient.created").count() == 1


def test_patient_fields_are_checked_as_the_web_form_checks_them(surgeon_api, surgeon):
    make_patient(surgeon, mrn="A-100")

    wrong_types = post_json(surgeon_api, "/api/v1/patients/", {**NEW_PATIENT, "sex": 1, "x": "y"})
    wrong_values = post_json(
        surgeon_api, "/api/v1/patients/", {**NEW_PATIENT, "date_of_birth": "2999-01-01"}
    )

    assert wrong_types.status_code == wrong_values.status_code == 400
    assert set(wrong_types.json()["errors"]) == {"sex", "x"}
    assert set(wrong_values.json()["errors"]) == {"mrn", "date_of_birth"}
    assert Patient.objects.count() == 1


@pytest.mark.parametrize("query", ["", "?mrn=", "?mrn=%20", "?mrn=A%00B", "?mrn=" + "9" * 33])
def test_the_lookup_needs_an_mrn_as_the_form_would_take_it(surgeon_api, query):
    response = surgeon_api.get("/api/v1/patients/" + query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["mrn"]


def test_an_assessment_recorded_through_the_api_is_the_one_the_web_shows(surgeon_api, surgeon):
    patient = make_patient(surgeon)
    key = uuid.uuid4()

    response = record(
        surgeon_api, patient, {"encounter_date": "2026-11-27", "findings": EXAMPLE_1}, key
    )

    assert response.status_code == 201
    body = response.json()
    stored = Assessment.objects.get()
    assert body["id"] == str(stored.pk) and stored.idempotency_key == key
    assert body["result"]["recommendation"]["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    assert body["result"]["fong_crs"]["score"] == 5
    assert body["findings"] == EXAMPLE_1
    assert body["content_hash"] == stored.content_hash
    assert AuditEvent.objects.filter(action="assessment.created", object_id=str(stored.pk)).exists()


def test_the_same_key_and_body_give_the_same_assessment(surgeon_api, surgeon):
    patient = make_patient(surgeon)
    key = uuid.uuid4()
    body = {"encounter_date": "2026-11-27", "findings": EXAMPLE_1}

    first = record(surgeon_api, patient, body, key)
    again = record(surgeon_api, patient, body, key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Assessment.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(surgeon_api, surgeon):
    patient = make_patient(surgeon)
    key = uuid.uuid4()
    record(surgeon_api, patient, {"encounter_date": "2026-11-27", "findings": EXAMPLE_1}, key)

    response = record(
        surgeon_api, patient, {"encounter_date": "2026-11-27", "findings": EXAMPLE_3}, key
    )

    assert response.status_code == 409
    assert "__all__" in response.json()["errors"]
    assert Assessment.objects.count() == 1


def test_the_same_key_for_another_patient_is_a_conflict(surgeon_api, surgeon):
    key = uuid.uuid4()
    body = {"encounter_date": "2026-11-27", "findings": EXAMPLE_1}
    record(surgeon_api, make_patient(surgeon), body, key)

    assert record(surgeon_api, make_patient(surgeon), body, key).status_code == 409


def test_an_assessment_without_a_uuid_key_is_refused_on_the_header(surgeon_api, surgeon):
    response = record(
        surgeon_api,
        make_patient(surgeon),
        {"encounter_date": "2026-11-27", "findings": EXAMPLE_1},
        "not-a-uuid",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]


def test_invalid_findings_name_each_field_as_the_contract_does(surgeon_api, surgeon):
    findings = {**EXAMPLE_1, "cea_ng_ml": "250", "liver_tumor_count": 0, "typo": True}

    response = record(
        surgeon_api,
        make_patient(surgeon),
        {"encounter_date": "2026-11-27", "findings": findings},
        uuid.uuid4(),
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"cea_ng_ml", "liver_tumor_count", "typo"}
    assert not Assessment.objects.exists()


def test_a_future_encounter_date_is_refused(surgeon_api, surgeon):
    response = record(
        surgeon_api,
        make_patient(surgeon),
        {"encounter_date": "2999-01-01", "findings": EXAMPLE_1},
        uuid.uuid4(),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["encounter_date"]


def test_a_stored_assessment_reads_back_as_computed_with_its_links_and_the_boards_decision(
    surgeon_api, surgeon, board_member
):
    patient = make_patient(surgeon)
    original = make_assessment(patient, surgeon)
    correction = make_assessment(
        patient, surgeon, supersedes=original, supersede_reason="typo in CEA"
    )
    make_decision(correction, board_member, outcome="alternative", plan="Systemic therapy first")

    old = surgeon_api.get(f"/api/v1/assessments/{original.pk}/").json()
    new = surgeon_api.get(f"/api/v1/assessments/{correction.pk}/").json()
    listed = surgeon_api.get(f"/api/v1/patients/{patient.pk}/assessments/").json()

    assert old["result"] == original.result
    assert old["superseded_by"]["id"] == str(correction.pk) and old["supersedes"] is None
    assert new["supersedes"]["id"] == str(original.pk)
    assert new["supersede_reason"] == "typo in CEA"
    assert new["board_decision"]["outcome"] == "alternative"
    assert new["board_decision"]["plan"] == "Systemic therapy first"
    assert new["board_decision"]["recorded_by"] == board_member.username
    assert old["board_decision"] is None
    assert [item["id"] for item in listed] == [str(correction.pk), str(original.pk)]
    viewed = AuditEvent.objects.filter(action="assessment.viewed", payload__via="api")
    assert viewed.count() == 2
