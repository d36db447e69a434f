import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from decision import rules
from decision.audit.models import AuditEvent
from decision.clinic import services
from decision.clinic.models import Assessment, Patient
from tests.factories import EXAMPLE_1_FINDINGS, EXAMPLE_3_FINDINGS, make_assessment, make_patient

pytestmark = pytest.mark.django_db


def test_an_assessment_stores_findings_result_ruleset_and_audit_event(surgeon):
    patient = make_patient(surgeon)
    assessment = make_assessment(patient, surgeon)

    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.findings == EXAMPLE_1_FINDINGS
    # Spec section 8, example 1.
    assert stored.result["recommendation"]["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    assert stored.result["fong_crs"]["score"] == 5
    assert (stored.recommendation_code, stored.intent, stored.risk_group) == (
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI",
        "curative",
        "high",
    )
    assert (stored.score_min, stored.score_max) == (5, 5)
    assert (stored.ruleset_id, stored.ruleset_version) == ("kemeny-2006", rules.RULESET.version)
    assert stored.created_by == surgeon
    event = AuditEvent.objects.get(action="assessment.created")
    assert event.object_id == str(assessment.pk)
    assert event.patient_id == patient.pk


def test_the_same_idempotency_key_returns_the_first_assessment(surgeon):
    patient = make_patient(surgeon)
    key = uuid.uuid4()
    arguments = {
        "author": surgeon,
        "patient": patient,
        "encounter_date": date(2026, 11, 20),
        "findings": dict(EXAMPLE_1_FINDINGS),
        "idempotency_key": key,
    }
    first = services.assessment_create(**arguments)
    second = services.assessment_create(**arguments)
    assert first.pk == second.pk
    assert Assessment.objects.count() == 1
    assert AuditEvent.objects.filter(action="assessment.created").count() == 1


def test_a_reused_key_for_another_patient_is_refused(surgeon):
    key = uuid.uuid4()
    first_patient, other_patient = make_patient(surgeon), make_patient(surgeon)
    common = {"author": surgeon, "encounter_date": date(2026, 11, 20), "idempotency_key": key}
    services.assessment_create(patient=first_patient, findings=dict(EXAMPLE_1_FINDINGS), **common)
    with pytest.raises(services.AssessmentConflict):
        services.assessment_create(
            patient=other_patient, findings=dict(EXAMPLE_1_FINDINGS), **common
        )


def test_invalid_findings_are_refused_and_nothing_is_stored(surgeon):
    patient = make_patient(surgeon)
    events_before = AuditEvent.objects.count()
    findings = {**EXAMPLE_1_FINDINGS, "liver_tumor_count": 0}
    with pytest.raises(rules.FindingsInvalid) as invalid:
        make_assessment(patient, surgeon, findings=findings)
    assert "liver_tumor_count" in invalid.value.errors
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_an_encounter_after_today_is_refused_and_nothing_is_stored(surgeon):
    patient = make_patient(surgeon)
    events_before = AuditEvent.objects.count()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValueError, match="future"):
        make_assessment(patient, surgeon, encounter_date=tomorrow)
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == events_before
    # Today's encounter is recorded.
    assert make_assessment(patient, surgeon, encounter_date=timezone.localdate()).pk


def test_a_failing_audit_write_rolls_the_whole_assessment_back(surgeon, monkeypatch):
    patient = make_patient(surgeon)
    events_before = AuditEvent.objects.count()

    def fail(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_event_record", fail)
    with pytest.raises(RuntimeError):
        make_assessment(patient, surgeon)
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_a_failing_supersede_audit_rolls_back_the_correction_too(surgeon, monkeypatch):
    patient = make_patient(surgeon)
    original = make_assessment(patient, surgeon)
    real = services.audit_event_record

    def fail_on_supersede(**kwargs):
        if kwargs["action"] == "assessment.superseded":
            raise RuntimeError("audit store unavailable")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_event_record", fail_on_supersede)
    with pytest.raises(RuntimeError):
        make_assessment(patient, surgeon, supersedes=original, supersede_reason="typo")
    assert list(Assessment.objects.values_list("pk", flat=True)) == [original.pk]
    assert (
        not AuditEvent.objects.filter(action="assessment.created")
        .exclude(object_id=str(original.pk))
        .exists()
    )


def test_a_patient_write_rolls_back_when_its_audit_fails(surgeon, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_event_record", fail)
    with pytest.raises(RuntimeError):
        make_patient(surgeon)
    assert Patient.objects.count() == 0


def test_a_correction_supersedes_the_original_with_its_reason(surgeon):
    patient = make_patient(surgeon)
    original = make_assessment(patient, surgeon)
    correction = make_assessment(
        patient,
        surgeon,
        findings=EXAMPLE_3_FINDINGS,
        supersedes=original,
        supersede_reason="Resection date found in the referral letter",
    )
    original.refresh_from_db()
    assert original.superseded_by == correction
    assert correction.supersede_reason == "Resection date found in the referral letter"
    # Spec section 8, example 3.
    assert correction.recommendation_code == "HAI_FOR_UNRESECTABLE"
    assert list(Assessment.objects.current()) == [correction]
    superseded = AuditEvent.objects.get(action="assessment.superseded")
    assert superseded.object_id == str(original.pk)


def test_an_assessment_can_be_corrected_only_once(surgeon):
    patient = make_patient(surgeon)
    original = make_assessment(patient, surgeon)
    make_assessment(patient, surgeon, supersedes=original, supersede_reason="first")
    with pytest.raises(services.AssessmentConflict, match="already been corrected"):
        make_assessment(patient, surgeon, supersedes=original, supersede_reason="second")
    assert Assessment.objects.count() == 2


def test_a_correction_must_be_for_the_same_patient(surgeon):
    original = make_assessment(make_patient(surgeon), surgeon)
    with pytest.raises(services.AssessmentConflict):
        make_assessment(make_patient(surgeon), surgeon, supersedes=original, supersede_reason="x")
