"""Application logs identify records by id only: never names, MRNs or dates of birth."""

import logging
import re

import pytest
from django.db import connection

from tests.conftest import PASSWORD
from tests.factories import EXAMPLE_1_FORM

pytestmark = pytest.mark.django_db

FAMILY, GIVEN, MRN, BORN = "Vanderwoude", "Griselda", "LOG-MRN-4242", "1949-12-07"


def test_a_full_flow_logs_ids_but_no_patient_identifiers(client, surgeon, caplog):
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True  # as with DEBUG on: SQL would be logged with values
    try:
        client.post("/login/", {"username": "surgeon", "password": "not-the-password"})
        client.post("/login/", {"username": "surgeon", "password": PASSWORD})
        client.post(
            "/patients/new/",
            {
                "mrn": MRN,
                "family_name": FAMILY,
                "given_name": GIVEN,
                "date_of_birth": BORN,
                "sex": "female",
            },
        )
        client.post("/patients/", {"query": FAMILY})
        client.get("/patients/")
        from decision.clinic.models import Patient

        patient = Patient.objects.get(mrn=MRN)
        client.get(f"/patients/{patient.pk}/")
        form = client.get(f"/patients/{patient.pk}/assessments/new/")
        key = re.search(r'name="idempotency_key" value="([^"]+)"', form.content.decode()).group(1)
        url = f"/patients/{patient.pk}/assessments/new/"
        client.post(url, {**EXAMPLE_1_FORM, "idempotency_key": key, "cea_ng_ml": "abc"})
        saved = client.post(url, {**EXAMPLE_1_FORM, "idempotency_key": key})
        client.get(saved["Location"])
        client.get("/patients/00000000-0000-0000-0000-000000000000/")
        client.post("/logout/")
    finally:
        connection.force_debug_cursor = False

    logged = caplog.text
    assert "audit assessment.created" in logged and str(patient.pk) in logged
    for identifier in (FAMILY, GIVEN, MRN, BORN, FAMILY.upper()):
        assert identifier not in logged
