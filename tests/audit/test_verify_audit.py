"""verify_audit finds any row changed behind the application's back, on both databases."""

import io
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection

from decision.audit.models import AuditEvent
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@contextmanager
def as_database_administrator():
    """A cursor that, like someone with direct database access, bypasses the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def history(surgeon):
    patient = make_patient(surgeon)
    first = make_assessment(patient, surgeon)
    second = make_assessment(patient, surgeon, supersedes=first, supersede_reason="typo")
    return first, second


def test_an_untouched_database_verifies(history):
    events = AuditEvent.objects.count()
    code, output = verify()
    assert (code, output.splitlines()[0]) == (0, f"OK: {events} events, 2 assessments")


def test_an_empty_database_verifies():
    code, output = verify()
    assert (code, output.splitlines()[0]) == (0, "OK: 0 events, 0 assessments")


def test_a_changed_audit_event_is_named(history):
    target = AuditEvent.objects.get(action="assessment.created", object_id=str(history[1].pk))
    with as_database_administrator() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET payload = %s WHERE id = %s",
            ['{"recommendation_code": "NON_OPERATIVE"}', target.pk],
        )
    code, output = verify()
    assert code == 1
    assert f"audit event #{target.sequence} " in output
    assert "does not match its hash" in output


def test_a_deleted_audit_event_is_found(history):
    target = AuditEvent.objects.order_by("sequence")[1]
    with as_database_administrator() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    code, output = verify()
    assert code == 1
    assert f"expected event #{target.sequence}" in output


def test_a_rehashed_event_breaks_the_link_to_the_next_one(history):
    # Someone who changes an event and recomputes its hash still breaks the chain.
    first, second = AuditEvent.objects.order_by("sequence")[:2]
    first.payload = {"changed": True}
    new_hash = first.compute_hash()
    with as_database_administrator() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET payload = %s, hash = %s WHERE id = %s",
            ['{"changed": true}', new_hash, first.pk],
        )
    code, output = verify()
    assert code == 1
    assert f"audit event #{second.sequence} " in output and "does not link" in output


def test_a_changed_assessment_is_named(history):
    first, _ = history
    with as_database_administrator() as cursor:
        cursor.execute(
            "UPDATE clinic_assessment SET findings = %s WHERE id = %s",
            [
                '{"fit_for_surgery": false}',
                first.pk.hex if connection.vendor == "sqlite" else first.pk,
            ],
        )
    code, output = verify()
    assert code == 1
    assert f"assessment {first.pk}: its content does not match its hash" in output


def test_a_copied_column_that_disagrees_with_the_stored_result_is_named(history):
    first, _ = history
    with as_database_administrator() as cursor:
        cursor.execute(
            "UPDATE clinic_assessment SET recommendation_code = %s WHERE id = %s",
            ["NON_OPERATIVE", first.pk.hex if connection.vendor == "sqlite" else first.pk],
        )
    code, output = verify()
    assert code == 1
    assert f"assessment {first.pk}: recommendation_code does not match" in output
