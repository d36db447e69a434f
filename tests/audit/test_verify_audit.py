"""verify_audit finds any row changed behind the application's back, on both databases."""

import io
import json
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection

from decision.audit.keys import current_key
from decision.audit.models import AuditEvent
from tests.factories import make_assessment, make_patient, next_event_forged

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
    assert f"audit_auditevent #{target.sequence}: its content does not match its link" in output


def test_a_deleted_audit_event_is_found(history):
    target = AuditEvent.objects.order_by("sequence")[1]
    with as_database_administrator() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    code, output = verify()
    assert code == 1
    assert f"events #{target.sequence} before it are missing" in output


def test_a_rehashed_event_breaks_the_link_to_the_next_one(history):
    # Someone who changes an event and recomputes its link without the audit key (here
    # with a guessed one) still breaks the chain.
    first, second = AuditEvent.objects.order_by("sequence")[:2]
    first.payload = {"changed": True}
    new_hash = first.compute_hash(b"a guess at the audit key")
    with as_database_administrator() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET payload = %s, hash = %s WHERE id = %s",
            ['{"changed": true}', new_hash, first.pk],
        )
    code, output = verify()
    assert code == 1
    assert f"audit_auditevent #{first.sequence}: its content does not match its link" in output
    assert f"audit_auditevent #{second.sequence}: does not link" in output


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
    assert f"clinic_assessment {first.pk}: its content does not match its hash" in output


def test_a_copied_column_that_disagrees_with_the_stored_result_is_named(history):
    first, _ = history
    with as_database_administrator() as cursor:
        cursor.execute(
            "UPDATE clinic_assessment SET recommendation_code = %s WHERE id = %s",
            ["NON_OPERATIVE", first.pk.hex if connection.vendor == "sqlite" else first.pk],
        )
    code, output = verify()
    assert code == 1
    assert f"clinic_assessment {first.pk}: recommendation_code does not match" in output


def test_every_problem_is_reported_not_only_the_first(history):
    first, second = history
    with as_database_administrator() as cursor:
        for assessment in (first, second):
            cursor.execute(
                "UPDATE clinic_assessment SET findings = %s WHERE id = %s",
                [
                    '{"fit_for_surgery": false}',
                    assessment.pk.hex if connection.vendor == "sqlite" else assessment.pk,
                ],
            )
    code, output = verify()
    lines = output.splitlines()
    assert (code, lines[0]) == (1, "FAILED: 2 problems")
    for assessment in (first, second):
        assert f"clinic_assessment {assessment.pk}: its content does not match its hash" in output


def test_the_report_can_be_read_by_a_machine(history):
    out = io.StringIO()
    call_command("verify_audit", "--json", stdout=out)
    report = json.loads(out.getvalue())
    head = AuditEvent.objects.order_by("-sequence").first()
    assert report["ok"] is True and report["problems"] == []
    assert report["events"] == AuditEvent.objects.count()
    assert report["head"] == {"sequence": head.sequence, "link": head.hash}
    assert report["records"]["assessments"] == 2 and report["records"]["patients"] == 1


def checkpoint() -> str:
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    return out.getvalue().strip()


def test_a_checkpoint_names_the_head_and_verifies_while_the_chain_holds(history, tmp_path):
    line = checkpoint()
    head = AuditEvent.objects.order_by("-sequence").first()
    assert json.loads(line)["sequence"] == head.sequence
    assert json.loads(line)["link"] == head.hash
    kept = tmp_path / "kept.txt"
    kept.write_text(line + "\n")
    make_patient(history[0].created_by)  # the chain grows after the checkpoint
    out = io.StringIO()
    call_command("verify_audit", "--checkpoints", str(kept), stdout=out)
    assert "and 1 checkpoints" in out.getvalue()


def test_a_changed_checkpoint_is_refused(history, tmp_path):
    values = json.loads(checkpoint())
    kept = tmp_path / "kept.txt"
    kept.write_text(json.dumps({**values, "sequence": values["sequence"] + 5}) + "\n")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", "--checkpoints", str(kept), stdout=out)
    assert "its signature does not verify" in out.getvalue()


def test_events_removed_from_the_end_are_found_with_a_checkpoint(history, tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text(checkpoint() + "\n")
    head = AuditEvent.objects.order_by("-sequence").first()
    with as_database_administrator() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence = %s", [head.sequence])
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_audit", "--checkpoints", str(kept), stdout=out)
    assert f"audit_auditevent #{head.sequence}: is missing: the chain ends at" in out.getvalue()


def test_a_new_key_starts_a_new_segment_proven_by_the_old_one(history, settings, surgeon):
    old_key = settings.AUDIT_KEY
    settings.AUDIT_KEY, settings.AUDIT_PREVIOUS_KEYS = "a-new-audit-key-" + "n" * 32, [old_key]
    out = io.StringIO()
    call_command("audit_rotate_key", stdout=out)
    assert "continues under key" in out.getvalue()
    rotation = AuditEvent.objects.order_by("-sequence").first()
    assert rotation.action == "audit.key_rotated"
    make_patient(surgeon)  # signed with the new key
    assert verify()[0] == 0
    # Without the old key, the events it signed can no longer be verified.
    settings.AUDIT_PREVIOUS_KEYS = []
    code, output = verify()
    assert code == 1 and "is signed with a key this server does not hold" in output


def test_the_next_event_records_the_rotation_itself(history, settings, surgeon):
    settings.AUDIT_PREVIOUS_KEYS = [settings.AUDIT_KEY]
    settings.AUDIT_KEY = "a-new-audit-key-" + "n" * 32
    make_patient(surgeon)
    actions = list(AuditEvent.objects.order_by("-sequence").values_list("action", flat=True)[:2])
    assert actions == ["patient.created", "audit.key_rotated"]
    assert verify()[0] == 0


def test_a_key_switched_without_a_rotation_is_named(history, settings, surgeon):
    settings.AUDIT_PREVIOUS_KEYS = [settings.AUDIT_KEY]
    settings.AUDIT_KEY = "a-new-audit-key-" + "n" * 32
    forged = next_event_forged()
    forged.hash = forged.compute_hash(current_key()[1])
    forged.save()
    code, output = verify()
    assert code == 1
    assert f"#{forged.sequence}: changes the audit key without a proven rotation" in output
