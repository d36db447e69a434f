"""Writes for patients and assessments. Each is one transaction with its audit event."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from decision import rules
from decision.audit.services import audit_chain_lock, audit_event_record
from decision.clinic.models import Assessment, CurrentAssessment, Patient


class AssessmentConflict(Exception):
    """The assessment cannot be saved as asked (e.g. it was corrected meanwhile)."""


def patient_create(
    *,
    author: AbstractBaseUser,
    mrn: str,
    family_name: str,
    given_name: str,
    date_of_birth: date,
    sex: str,
    request: HttpRequest | None = None,
    is_synthetic: bool = False,
) -> Patient:
    """Register a patient. Raises ``IntegrityError`` when the MRN is already taken."""
    with transaction.atomic():
        patient = Patient(
            mrn=mrn,
            family_name=family_name,
            given_name=given_name,
            date_of_birth=date_of_birth,
            sex=sex,
            created_by=author,
            created_at=timezone.now(),
            is_synthetic=is_synthetic,
        )
        patient.save()
        audit_event_record(
            action="patient.created",
            actor=author,
            request=request,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            payload={"content_hash": patient.content_hash},
        )
    return patient


def assessment_create(
    *,
    author: AbstractBaseUser,
    patient: Patient,
    encounter_date: date,
    findings: dict[str, Any],
    idempotency_key: uuid.UUID,
    supersedes: Assessment | None = None,
    supersede_reason: str = "",
    request: HttpRequest | None = None,
) -> Assessment:
    """Evaluate ``findings`` with the current rule set and store the assessment.

    Findings, result, rule-set version and content hash are written with the patient's
    current-assessment row and the audit event in one transaction: all or nothing.
    Submitting the same ``idempotency_key`` again returns the assessment saved the first
    time instead of a duplicate. Raises ``rules.FindingsInvalid`` for invalid findings,
    ``AssessmentConflict`` when ``supersedes`` has meanwhile been corrected by someone
    else, and ``ValueError`` for an encounter date after today (the form says so first).
    """
    if encounter_date > timezone.localdate():
        raise ValueError(f"The encounter date {encounter_date} is in the future.")
    parsed = rules.parse_findings(findings, as_of=encounter_date, as_of_name="the encounter date")
    result = rules.evaluate(parsed, as_of=encounter_date).to_dict()
    with transaction.atomic():
        # From here on no other audited write runs, so what is checked below still holds
        # when this transaction commits.
        audit_chain_lock()
        existing = Assessment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            # The same form was submitted before (a double click, the back button).
            if existing.patient_id != patient.pk or existing.created_by_id != author.pk:
                raise AssessmentConflict("This form was already used for another assessment.")
            return existing
        if supersedes is not None:
            _check_correction(supersedes, patient=patient)
        assessment = Assessment.with_result(
            result,
            patient=patient,
            encounter_date=encounter_date,
            findings=findings,
            supersedes=supersedes,
            supersede_reason=supersede_reason.strip() if supersedes is not None else "",
            idempotency_key=idempotency_key,
            created_by=author,
            created_at=timezone.now(),
            is_synthetic=patient.is_synthetic,
        )
        assessment.save()
        CurrentAssessment.objects.update_or_create(
            patient=patient, defaults=CurrentAssessment.fields_for(assessment)
        )
        _assessment_audit(assessment, author=author, request=request)
    return assessment


def _check_correction(original: Assessment, *, patient: Patient) -> None:
    if original.patient_id != patient.pk:
        raise AssessmentConflict("A correction must be for the same patient.")
    if Assessment.objects.filter(supersedes=original).exists():
        raise AssessmentConflict("This assessment has already been corrected.")


def assessment_created_payload(assessment: Assessment) -> dict[str, str]:
    """What the ``assessment.created`` audit event holds of the assessment: its rule set and
    its content hash, which ``verify_audit`` compares with the stored assessment."""
    return {
        "ruleset": f"{assessment.ruleset_id}@{assessment.ruleset_version}",
        "content_hash": assessment.content_hash,
    }


def _assessment_audit(
    assessment: Assessment, *, author: AbstractBaseUser, request: HttpRequest | None
) -> None:
    audit_event_record(
        action="assessment.created",
        actor=author,
        request=request,
        object_type="assessment",
        object_id=assessment.pk,
        patient_id=assessment.patient_id,
        payload=assessment_created_payload(assessment),
    )
    if assessment.supersedes_id is not None:
        audit_event_record(
            action="assessment.superseded",
            actor=author,
            request=request,
            object_type="assessment",
            object_id=assessment.supersedes_id,
            patient_id=assessment.patient_id,
            payload={"superseded_by": str(assessment.pk)},
        )
