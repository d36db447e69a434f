"""On PostgreSQL, queries a connection repeats become prepared statements, and queries
with parameters are still planned for their values, except in a write transaction once
it holds the audit chain's lock: what it writes then has one plan whatever the values."""

import pytest
from django.db import connection, transaction

from decision.audit.services import audit_event_record
from decision.clinic.selectors import patient_get
from tests.factories import make_assessment, make_patient

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


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def _plans(fragment: str) -> tuple[int, int]:
    """Generic and custom plans made so far for the prepared statement holding
    ``fragment``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE strpos(statement, %s) > 0",
            [fragment],
        )
        rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.django_db(transaction=True)
def test_only_the_transaction_holding_the_audit_chain_keeps_its_plans(surgeon):
    with transaction.atomic():
        assert _plan_cache_mode() == "force_custom_plan"
        audit_event_record(action="test.event", actor=surgeon)
        assert _plan_cache_mode() == "auto"
    assert _plan_cache_mode() == "force_custom_plan"


@pytest.mark.django_db(transaction=True)
def test_an_audit_event_is_planned_once_and_a_read_for_each_value(surgeon):
    patients = [make_patient(surgeon) for _ in range(12)]
    for patient in patients:
        assert patient_get(patient.pk) == patient
        make_assessment(patient, surgeon)
    # The first five runs of each are sent unprepared; PostgreSQL then plans a prepared
    # statement for its values five times before it may keep a plan.
    generic, _custom = _plans('INSERT INTO "audit_auditevent"')
    assert generic >= 1
    generic, custom = _plans('FROM "clinic_patient" WHERE "id" = $1')
    assert (generic, custom) == (0, 7)
