"""Writes for patients and assessments. Each is one transaction with its audit event."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from decision import rules
from decision.audit.services import audit_event_record
from decision.clinic.models import Assessment, CurrentAssessment, Patient
from decision.core.sql import Statement, insert_statement, record_inserted


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
        patient = Patient.objects.create(
            mrn=mrn,
            family_name=family_name,
            given_name=given_name,
            date_of_birth=date_of_birth,
            sex=sex,
            created_by=author,
            created_at=timezone.now(),
            is_synthetic=is_synthetic,
        )
        audit_event_record(
            action="patient.created",
            actor=author,
            request=request,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
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

    Findings, result, rule-set version and content hash are written with the audit event
    in one transaction: all or nothing. Submitting the same ``idempotency_key`` again
    returns the assessment saved the first time instead of a duplicate. Raises
    ``rules.FindingsInvalid`` for invalid findings and ``AssessmentConflict`` when
    ``supersedes`` has meanwhile been corrected by someone else, and ``ValueError`` for
    an encounter date after today (the form says so first; the board queue's date filter
    relies on no encounter being recorded before its day).
    """
    if encounter_date > timezone.localdate():
        raise ValueError(f"The encounter date {encounter_date} is in the future.")
    parsed = rules.parse_findings(findings, as_of=encounter_date)
    result = rules.evaluate(parsed, as_of=encounter_date).to_dict()
    try:
        with transaction.atomic():
            if supersedes is not None:
                _lock_for_correction(supersedes, patient=patient)
            assessment = _assessment_build(
                author=author,
                patient=patient,
                encounter_date=encounter_date,
                findings=findings,
                result=result,
                idempotency_key=idempotency_key,
                supersedes=supersedes,
                supersede_reason=supersede_reason,
            )
            # The assessment, its patient's current-assessment row and the audit event of
            # both, written together (on PostgreSQL, the two writes and the audit chain's
            # lock in one round trip).
            _assessment_audit(
                assessment,
                author=author,
                request=request,
                writes=[insert_statement(assessment), _current_assessment_advance(assessment)],
            )
            record_inserted(assessment)
    except IntegrityError:
        # The same form was submitted before (a double click, the back button) or at the
        # same moment: its idempotency key is taken, so hand back that assessment.
        existing = _assessment_for_key(idempotency_key, patient=patient, author=author)
        if existing is not None:
            return existing
        if supersedes is not None and Assessment.objects.filter(supersedes=supersedes).exists():
            raise AssessmentConflict("This assessment has already been corrected.") from None
        raise
    return assessment


# Appended to the INSERT of the patient's row: one statement, safe against a concurrent
# assessment of the same patient, since the row moves only to a later assessment,
# whichever transaction commits first.
_ADVANCE_ON_CONFLICT = (
    " ON CONFLICT (patient_id) DO UPDATE SET "
    + ", ".join(
        f"{field.column} = excluded.{field.column}"
        for field in CurrentAssessment._meta.concrete_fields
        if not field.primary_key
    )
    + " WHERE clinic_currentassessment.created_at < excluded.created_at"
)


def _current_assessment_advance(assessment: Assessment) -> Statement:
    """The statement making ``assessment`` its patient's current one, awaiting a board
    decision."""
    row = CurrentAssessment(
        patient_id=assessment.patient_id,
        assessment_id=assessment.pk,
        awaiting_board_decision=True,
        **CurrentAssessment.copied_from(assessment),
    )
    insert, values = insert_statement(row)
    return insert + _ADVANCE_ON_CONFLICT, values


def _assessment_for_key(
    key: uuid.UUID, *, patient: Patient, author: AbstractBaseUser
) -> Assessment | None:
    try:
        existing = Assessment.objects.get(idempotency_key=key)
    except Assessment.DoesNotExist:
        return None
    if existing.patient_id != patient.pk or existing.created_by_id != author.pk:
        raise AssessmentConflict("This form was already used for another assessment.")
    return existing


def _lock_for_correction(assessment: Assessment, *, patient: Patient) -> None:
    if assessment.patient_id != patient.pk:
        raise AssessmentConflict("A correction must be for the same patient.")
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if Assessment.objects.filter(supersedes=locked).exists():
        raise AssessmentConflict("This assessment has already been corrected.")


def _assessment_build(
    *,
    author: AbstractBaseUser,
    patient: Patient,
    encounter_date: date,
    findings: dict[str, Any],
    result: dict[str, Any],
    idempotency_key: uuid.UUID,
    supersedes: Assessment | None,
    supersede_reason: str,
) -> Assessment:
    crs = result["fong_crs"]
    assessment = Assessment(
        patient=patient,
        encounter_date=encounter_date,
        findings=findings,
        result=result,
        ruleset_id=result["ruleset"]["id"],
        ruleset_version=result["ruleset"]["version"],
        recommendation_code=result["recommendation"]["code"],
        intent=result["recommendation"]["intent"],
        risk_group=crs["risk_group"],
        score_min=crs["score_min"],
        score_max=crs["score_max"],
        supersedes=supersedes,
        supersede_reason=supersede_reason.strip() if supersedes is not None else "",
        idempotency_key=idempotency_key,
        created_by=author,
        created_at=timezone.now(),
        is_synthetic=patient.is_synthetic,
    )
    assessment.content_hash = assessment.compute_content_hash()
    return assessment


def _assessment_audit(
    assessment: Assessment,
    *,
    author: AbstractBaseUser,
    request: HttpRequest | None,
    writes: list[Statement],
) -> None:
    payload = {
        "recommendation_code": assessment.recommendation_code,
        "ruleset": f"{assessment.ruleset_id}@{assessment.ruleset_version}",
        "content_hash": assessment.content_hash,
    }
    audit_event_record(
        action="assessment.created",
        actor=author,
        request=request,
        object_type="assessment",
        object_id=assessment.pk,
        patient_id=assessment.patient_id,
        payload=payload,
        preceding=writes,
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
