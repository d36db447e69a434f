"""seed_synthetic: synthetic patients through the real rules, hashes and audit chain."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from decision import rules
from decision.audit.models import AuditEvent
from decision.clinic.models import Assessment, Patient
from decision.synthetic.services import synthetic_author

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-01"


@pytest.fixture(autouse=True)
def development_configuration(settings):
    # pytest-django runs tests with DEBUG off, which the command takes for production.
    settings.DEBUG = True


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_synthetic", *args, "--as-of", AS_OF, stdout=out)
    return out.getvalue()


def verify_audit() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list, list]:
    """Everything seeded that does not depend on what was in the database before."""
    patients = list(
        Patient.objects.order_by("mrn").values(
            "id", "mrn", "family_name", "given_name", "date_of_birth", "sex", "created_at"
        )
    )
    assessments = list(
        Assessment.objects.order_by("patient__mrn", "created_at").values(
            "id",
            "patient_id",
            "encounter_date",
            "findings",
            "result",
            "supersedes_id",
            "supersede_reason",
            "idempotency_key",
            "content_hash",
            "created_at",
        )
    )
    return patients, assessments


def test_it_adds_synthetic_patients_with_assessments_and_their_audit_events():
    output = seed("--patients", "25", "--seed", "3", "--batch", "10")

    patients = list(Patient.objects.all())
    assessments = list(Assessment.objects.select_related("created_by"))
    assert len(patients) == 25
    assert 25 <= len(assessments) <= 75
    assert all(p.is_synthetic and p.mrn.startswith("SYN-3-") for p in patients)
    assert {p.given_name for p in patients} == {"Synthetic"}
    assert all(a.is_synthetic for a in assessments)
    author = assessments[0].created_by
    assert (author.username, author.is_active, author.has_usable_password()) == (
        "synthetic",
        False,
        False,
    )
    corrections = [a for a in assessments if a.supersedes_id]
    events = AuditEvent.objects.filter(actor=author)
    assert events.filter(action="patient.created").count() == 25
    assert events.filter(action="assessment.created").count() == len(assessments)
    assert events.filter(action="assessment.superseded").count() == len(corrections)
    assert all(a.encounter_date < date.fromisoformat(AS_OF) for a in assessments)
    assert "Added 25 synthetic patients" in output


def test_the_content_hashes_and_the_audit_chain_verify(surgeon):
    from tests.factories import make_assessment, make_patient

    # Events written before and after the seeding must chain with the seeded ones.
    make_assessment(make_patient(surgeon), surgeon)
    seed("--patients", "12", "--batch", "5")
    make_assessment(make_patient(surgeon), surgeon)

    events, assessments = AuditEvent.objects.count(), Assessment.objects.count()
    assert verify_audit().splitlines()[0] == f"OK: {events} events, {assessments} assessments"


def test_stored_results_are_what_the_rules_service_concludes_from_the_stored_findings():
    seed("--patients", "40")

    for assessment in Assessment.objects.all():
        findings = rules.parse_findings(assessment.findings, as_of=assessment.encounter_date)
        expected = rules.evaluate(findings, as_of=assessment.encounter_date).to_dict()
        assert assessment.result == expected
        assert assessment.consistency_problem() is None


def test_corrections_supersede_the_assessment_before_them_with_a_reason():
    seed("--patients", "40")

    corrections = list(Assessment.objects.exclude(supersedes=None).select_related("supersedes"))
    assert corrections
    for correction in corrections:
        original = correction.supersedes
        assert correction.supersede_reason.startswith("Synthetic correction:")
        assert (original.patient_id, original.encounter_date) == (
            correction.patient_id,
            correction.encounter_date,
        )
        assert original.created_at < correction.created_at
    current = set(Assessment.objects.current().values_list("pk", flat=True))
    for patient in Patient.objects.all():
        history = list(patient.assessments.order_by("created_at"))
        assert patient.created_at < history[0].created_at
        assert history[-1].pk in current


def test_the_same_seed_gives_the_same_patients_however_they_are_batched():
    # The author's id is part of each content hash; keep the same author for both runs.
    synthetic_author()
    with transaction.atomic():
        seed("--patients", "4", "--seed", "9", "--batch", "3")
        seed("--patients", "3", "--seed", "9", "--batch", "2")
        in_two_runs = snapshot()
        transaction.set_rollback(True)
    assert Patient.objects.count() == 0

    seed("--patients", "7", "--seed", "9", "--batch", "5")

    assert snapshot() == in_two_runs
    assert [p["mrn"] for p in in_two_runs[0]] == [f"SYN-9-{n:07d}" for n in range(7)]


def test_another_seed_gives_other_patients():
    seed("--patients", "5", "--seed", "1")
    seed("--patients", "5", "--seed", "2")

    first, second = (
        list(Patient.objects.filter(mrn__startswith=f"SYN-{s}-").values_list("family_name"))
        for s in (1, 2)
    )
    assert len(first) == len(second) == 5
    assert first != second


def test_it_refuses_a_production_configuration_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"production configuration.*--force"):
        seed("--patients", "3")
    assert Patient.objects.count() == 0

    seed("--patients", "3", "--force")
    assert Patient.objects.count() == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--patients", "0"], "--patients must be at least 1"),
        (["--patients", "1", "--seed", "1000000"], "--seed must be between 0 and 999999"),
        (["--patients", "1", "--batch", "0"], "--batch must be at least 1"),
    ],
)
def test_it_refuses_arguments_out_of_range(arguments, message):
    with pytest.raises(CommandError, match=message):
        seed(*arguments)
