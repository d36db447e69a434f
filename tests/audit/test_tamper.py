"""Tampering with the database, as someone with the database owner's rights would: every
change, removal or forgery of the audit trail or of a record written once is found and
named by ``verify_audit``, and an untouched database verifies OK.

Each case tampers inside the test's transaction, rolled back afterwards: a throwaway copy
of a database the test built through the app's own services. The triggers are bypassed
as an owner can (``session_replication_role = replica``).
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from decision.audit.integrity import Checkpoint
from decision.audit.keys import current_key
from decision.audit.models import AuditEvent
from decision.audit.services import atomic_audit_event_record
from decision.board.models import BoardDecision
from decision.clinic.models import Assessment, Patient
from decision.core.hashing import hmac_hex, sha256_hex
from tests.factories import make_assessment, make_decision, make_patient, next_event_forged

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


@pytest.fixture
def world(surgeon, board_member, tmp_path):
    """Patients, assessments (one corrected), board decisions, a view from an IPv4 address
    mapped into IPv6, and a checkpoint of the chain's head kept in a file."""
    first = make_patient(surgeon, family_name="Alpha")
    second = make_patient(surgeon, family_name="Bravo")
    original = make_assessment(first, surgeon)
    correction = make_assessment(first, surgeon, supersedes=original, supersede_reason="typo")
    other = make_assessment(second, surgeon)
    decision = make_decision(correction, board_member, outcome="agree")
    make_decision(other, board_member, outcome="defer", plan="MRI")
    request = RequestFactory().get("/", REMOTE_ADDR="::ffff:127.0.0.1")
    request.user = surgeon
    for _ in range(3):
        atomic_audit_event_record(
            action="patient.viewed", actor=surgeon, request=request, patient_id=first.pk
        )
    assert AuditEvent.objects.count() > 10
    checkpoints = tmp_path / "checkpoints.txt"
    head = AuditEvent.objects.order_by("-sequence").first()
    checkpoints.write_text(Checkpoint.of(head).to_line() + "\n")
    return {
        "patient": first,
        "original": original,
        "correction": correction,
        "decision": decision,
        "checkpoints": str(checkpoints),
    }


def verify(world) -> tuple[int, dict]:
    out = io.StringIO()
    arguments = ["verify_audit", "--json", "--checkpoints", world["checkpoints"]]
    try:
        call_command(*arguments, stdout=out)
    except SystemExit as exit_:
        return exit_.code, json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def as_owner(*statements: tuple[str, list]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # so that TRUNCATE may run here
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)


def problems(report: dict) -> list[str]:
    return [f"{p['table']} {p['row']}: {p['kind']}" for p in report["problems"]]


def test_an_untouched_database_verifies_with_its_checkpoint(world):
    code, report = verify(world)
    assert (code, report["ok"], report["problems"]) == (0, True, [])
    assert report["records"]["patients"] == 2 and report["records"]["assessments"] == 3


def test_an_address_mapped_from_ipv4_verifies(world):
    event = AuditEvent.objects.filter(action="patient.viewed").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT host(client_address) FROM audit_auditevent WHERE id = %s", [event.pk]
        )
        stored = cursor.fetchone()[0]
    assert stored == "127.0.0.1"
    assert verify(world)[0] == 0


def _rewritten_assessment(assessment: Assessment) -> tuple[str, list]:
    """An assessment rewritten to NON_OPERATIVE, with its content hash recomputed."""
    assessment.recommendation_code = "NON_OPERATIVE"
    assessment.intent = "non_operative"
    assessment.result = {
        **assessment.result,
        "recommendation": {**assessment.result["recommendation"], "code": "NON_OPERATIVE",
                           "intent": "non_operative"},
    }  # fmt: skip
    return (
        "UPDATE clinic_assessment SET recommendation_code = %s, intent = %s, result = %s,"
        " content_hash = %s WHERE id = %s",
        [
            "NON_OPERATIVE",
            "non_operative",
            json.dumps(assessment.result),
            assessment.compute_content_hash(),
            assessment.pk,
        ],
    )


def _rewritten_decision(decision: BoardDecision) -> tuple[str, list]:
    decision.outcome, decision.plan = "alternative", "Best supportive care"
    return (
        "UPDATE board_boarddecision SET outcome = %s, plan = %s, content_hash = %s WHERE id = %s",
        ["alternative", "Best supportive care", decision.compute_content_hash(), decision.pk],
    )


def _renamed_patient(patient: Patient, *, rehash: bool) -> tuple[str, list]:
    patient.family_name, patient.date_of_birth = "Other", patient.date_of_birth.replace(year=1940)
    new_hash = patient.compute_content_hash() if rehash else patient.content_hash
    return (
        "UPDATE clinic_patient SET family_name = %s, date_of_birth = %s, content_hash = %s"
        " WHERE id = %s",
        ["Other", patient.date_of_birth, new_hash, patient.pk],
    )


def _forged_event() -> tuple[str, list]:
    """An event appended at the end, linked to the head, signed without the audit key."""
    forged = next_event_forged()
    forged.hash = sha256_hex(forged.hashed_content())
    return (
        "INSERT INTO audit_auditevent (sequence, occurred_at, action, object_type, object_id,"
        " request_id, payload, previous_hash, key_id, hash)"
        " VALUES (%s, %s, %s, '', '', '', '{}', %s, %s, %s)",
        [forged.sequence, forged.occurred_at, forged.action, forged.previous_hash,
         forged.key_id, forged.hash],
    )  # fmt: skip


def _rehashed_from(
    sequence: int, key: bytes = b"a guess at the audit key"
) -> list[tuple[str, list]]:
    """Every event from ``sequence`` on, changed and linked again under ``key``."""
    statements, previous = [], None
    for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
        if previous is not None:
            event.previous_hash = previous
        event.payload = {**event.payload, "rewritten": True}
        event.hash = previous = hmac_hex(key, event.hashed_content())
        statements.append(
            (
                "UPDATE audit_auditevent SET payload = %s, previous_hash = %s, hash = %s"
                " WHERE id = %s",
                [json.dumps(event.payload), event.previous_hash, event.hash, event.pk],
            )
        )
    return statements


def _last_sequence() -> int:
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]


CASES: dict[str, tuple[Callable[[dict], list[tuple[str, list]]], str]] = {
    "the audit log emptied with TRUNCATE": (
        lambda w: [("TRUNCATE audit_auditevent", [])],
        "but a checkpoint holds it",
    ),
    "the assessments emptied with TRUNCATE ... CASCADE": (
        lambda w: [("TRUNCATE clinic_assessment CASCADE", [])],
        "which is missing",
    ),
    "the last five events deleted": (
        lambda w: [("DELETE FROM audit_auditevent WHERE sequence > %s", [_last_sequence() - 5])],
        "is missing: the chain ends at",
    ),
    "a superseded assessment deleted": (
        lambda w: [("DELETE FROM clinic_assessment WHERE id = %s", [w["original"].pk])],
        "names assessment {original}, which is missing",
    ),
    "an assessment rewritten to NON_OPERATIVE with its hash recomputed": (
        lambda w: [_rewritten_assessment(w["correction"])],
        "clinic_assessment {correction}: its hash differs from the one event",
    ),
    "a board decision rewritten with its hash recomputed": (
        lambda w: [_rewritten_decision(w["decision"])],
        "board_boarddecision {decision}: its hash differs from the one event",
    ),
    "a forged event appended at the end": (
        lambda w: [_forged_event()],
        "its content does not match its link",
    ),
    "the whole chain re-hashed from event 10": (
        lambda w: _rehashed_from(10),
        "audit_auditevent #10: its content does not match its link",
    ),
    "the chain re-hashed from event 10 by someone holding the audit key": (
        lambda w: _rehashed_from(10, key=current_key()[1]),
        "differs from the checkpoint kept outside the database",
    ),
    "a patient's name and date of birth changed": (
        lambda w: [_renamed_patient(w["patient"], rehash=False)],
        "clinic_patient {patient}: its content does not match its hash",
    ),
    "a patient's name and date of birth changed, hash recomputed": (
        lambda w: [_renamed_patient(w["patient"], rehash=True)],
        "clinic_patient {patient}: its hash differs from the one event",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_tampering_is_found_and_named(world, case):
    tamper, expected = CASES[case]
    as_owner(*tamper(world))
    code, report = verify(world)
    named = expected.format(**{k: getattr(v, "pk", v) for k, v in world.items()})
    assert code == 1 and not report["ok"]
    assert any(named in line for line in problems(report)), problems(report)


def test_several_tamperings_at_once_are_all_reported(world):
    as_owner(
        _rewritten_assessment(world["correction"]),
        _rewritten_decision(world["decision"]),
        _renamed_patient(world["patient"], rehash=False),
        _forged_event(),
    )
    code, report = verify(world)
    found = "\n".join(problems(report))
    assert code == 1
    assert f"clinic_assessment {world['correction'].pk}: its hash differs" in found
    assert f"board_boarddecision {world['decision'].pk}: its hash differs" in found
    assert f"clinic_patient {world['patient'].pk}: its content does not match" in found
    assert f"audit_auditevent #{_last_sequence()}: its content does not match its link" in found


def test_the_text_report_counts_every_problem_and_names_them(world):
    as_owner(_renamed_patient(world["patient"], rehash=False), _forged_event())
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit", stdout=out)
    lines = out.getvalue().splitlines()
    assert exit_.value.code == 1
    assert lines[0] == "FAILED: 2 problems"
    assert f"clinic_patient {world['patient'].pk}: its content does not match its hash" in lines[1]


def test_an_event_naming_a_record_never_registered_is_reported(world):
    # A view of a patient that was never registered (a forged id) names a missing record.
    stranger = uuid.uuid4()
    atomic_audit_event_record(
        action="patient.viewed", actor=None, object_type="patient", object_id=stranger
    )
    code, report = verify(world)
    assert code == 1
    assert any(f"names patient {stranger}, which is missing" in p for p in problems(report))
