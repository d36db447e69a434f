"""What leaves a trace in the audit log, and that the trace cannot be rewritten."""

import itertools
import threading

import pytest
from django.db import connections, transaction
from django.db.utils import DatabaseError

from decision.audit.integrity import verify_integrity
from decision.audit.keys import current_key
from decision.audit.models import GENESIS_HASH, AuditEvent
from decision.audit.services import atomic_audit_event_record, audit_event_record
from decision.core.immutable import ImmutableRecordError
from tests.conftest import PASSWORD
from tests.database import execute_as_in_production
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


def test_login_logout_and_failed_login_are_recorded_with_the_address(client, surgeon):
    client.post("/login/", {"username": "surgeon", "password": "wrong-password-1"})
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    client.post("/logout/")
    assert actions() == ["auth.login_failed", "auth.login", "auth.logout"]
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor is None
    assert failed.payload == {"username": "surgeon"}
    assert failed.client_address == "127.0.0.1"
    assert AuditEvent.objects.get(action="auth.login").actor == surgeon


def test_the_failed_password_itself_is_never_recorded(client, surgeon):
    client.post("/login/", {"username": "surgeon", "password": "my-secret-guess"})
    assert "my-secret-guess" not in str(list(AuditEvent.objects.values()))


def test_clinical_actions_and_reads_are_recorded(surgeon_client, surgeon):
    patient = make_patient(surgeon)
    original = make_assessment(patient, surgeon)
    make_assessment(patient, surgeon, supersedes=original, supersede_reason="typo")
    surgeon_client.get(f"/patients/{patient.pk}/")
    surgeon_client.get(f"/assessments/{original.pk}/")
    recorded = actions()
    for action in (
        "patient.created",
        "assessment.created",
        "assessment.superseded",
        "patient.viewed",
        "assessment.viewed",
    ):
        assert action in recorded
    viewed = AuditEvent.objects.get(action="assessment.viewed")
    assert (viewed.actor, viewed.patient_id, viewed.object_id) == (
        surgeon,
        patient.pk,
        str(original.pk),
    )
    assert len(viewed.request_id) == 32


def test_payloads_never_hold_names_mrns_or_birth_dates(surgeon_client, surgeon):
    patient = make_patient(surgeon, family_name="Zyxwvut", mrn="MRN-UNIQUE-77")
    make_assessment(patient, surgeon)
    surgeon_client.post("/patients/", {"query": "Zyxwvut"})
    surgeon_client.get("/patients/")
    surgeon_client.get(f"/patients/{patient.pk}/")
    everything = str(list(AuditEvent.objects.values()))
    assert "Zyxwvut" not in everything
    assert "MRN-UNIQUE-77" not in everything
    assert "1958-04-12" not in everything


@pytest.mark.django_db(transaction=True)
def test_writing_an_event_outside_a_transaction_is_refused(surgeon):
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        audit_event_record(action="test.event", actor=surgeon)


def test_payload_keys_that_could_identify_a_patient_are_refused(surgeon):
    with pytest.raises(ValueError, match="mrn"), transaction.atomic():
        audit_event_record(action="test.event", actor=surgeon, payload={"mrn": "X"})


def test_events_form_a_hash_chain(surgeon):
    for number in range(5):
        atomic_audit_event_record(action="test.event", actor=surgeon, payload={"n": number})
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [event.sequence for event in events] == [1, 2, 3, 4, 5]
    assert events[0].previous_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.previous_hash == before.hash
    report = verify_integrity()
    assert (report.events, report.problems) == (5, [])


def test_stored_hashes_match_the_chain_for_text_beyond_ascii(surgeon):
    first = atomic_audit_event_record(action="test.event", actor=surgeon, payload={"n": 1})
    second = atomic_audit_event_record(
        action="test.event", actor=surgeon, payload={"reason": "CEA 5·2 – résumé, ünïcode ✓"}
    )
    stored = list(AuditEvent.objects.order_by("sequence"))
    assert [event.hash for event in stored] == [first.hash, second.hash]
    assert stored[0].previous_hash == GENESIS_HASH
    assert stored[1].previous_hash == stored[0].hash
    _key_id, key = current_key()
    assert all(event.hash == event.compute_hash(key) for event in stored)
    report = verify_integrity()
    assert (report.events, report.problems) == (2, [])


def test_events_cannot_be_changed_or_deleted_through_the_application(surgeon):
    event = atomic_audit_event_record(action="test.event", actor=surgeon)
    event.action = "test.other"
    with pytest.raises(ImmutableRecordError):
        event.save()
    with pytest.raises(ImmutableRecordError):
        event.delete()
    with pytest.raises(ImmutableRecordError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(ImmutableRecordError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "test.event"


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_postgresql_refuses_changes_to_events_that_bypass_the_application(surgeon, statement):
    atomic_audit_event_record(action="test.event", actor=surgeon)
    with pytest.raises(DatabaseError, match="append-only"):
        execute_as_in_production(statement)
    assert AuditEvent.objects.get().action == "test.event"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_unbroken_chain(django_user_model):
    user = django_user_model.objects.create_user(username="writer", password=PASSWORD)
    writers, per_writer = 8, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for number in range(per_writer):
                atomic_audit_event_record(action="test.event", actor=user, payload={"n": number})
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    report = verify_integrity()
    assert (report.events, report.problems) == (writers * per_writer, [])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_to_empty_the_log(surgeon):
    atomic_audit_event_record(action="test.event", actor=surgeon)
    with pytest.raises(DatabaseError, match="TRUNCATE on audit_auditevent refused"):
        execute_as_in_production("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.get().action == "test.event"
