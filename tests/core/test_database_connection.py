"""On PostgreSQL, queries a connection repeats become prepared statements, and queries
with parameters are still planned for their values."""

import pytest
from django.db import connection

from decision.clinic.selectors import patient_get
from tests.factories import make_patient

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_query_is_prepared_once_it_has_run_five_times(surgeon):
    patient = make_patient(surgeon)
    by_id = 'FROM "clinic_patient" WHERE "id" = $1'
    for _ in range(5):
        assert patient_get(patient.pk) == patient
    assert not any(by_id in text for text in _prepared())
    assert patient_get(patient.pk) == patient
    assert any(by_id in text for text in _prepared())


def test_queries_with_parameters_are_planned_for_their_values():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_custom_plan",)
