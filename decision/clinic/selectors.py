"""Reads for patients and assessments, each with the joins its page needs."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Max, Q, QuerySet

from decision.clinic.models import Assessment, CurrentAssessment, Patient


def patient_search(query: str) -> QuerySet[Patient]:
    """Patients whose MRN matches exactly, or whose family or given name starts with
    ``query`` (any case). An empty query lists everyone."""
    query = query.strip()
    patients = Patient.objects.all()
    if not query:
        return patients
    return patients.filter(
        Q(mrn__iexact=query) | Q(family_name__istartswith=query) | Q(given_name__istartswith=query)
    )


def patient_with_mrn(mrn: str) -> Patient | None:
    """The patient with this MRN (MRNs are unique whatever their case), if any."""
    return Patient.objects.filter(mrn__iexact=mrn.strip()).first()


def patient_get(patient_id: uuid.UUID) -> Patient:
    """The patient (``Patient.DoesNotExist`` if unknown)."""
    return Patient.objects.get(pk=patient_id)


def patient_names(patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each patient as the audit log names them: "FAMILY, Given (MRN)"."""
    return {patient.pk: str(patient) for patient in Patient.objects.filter(pk__in=patient_ids)}


# The tumor board's decisions on an assessment, by the relation the board app declares:
# pages that show an assessment show the board's latest decision beside it.
BOARD_DECISIONS = ("board_decisions__recorded_by", "board_decisions__meeting")


def patient_assessment_history(patient: Patient) -> list[Assessment]:
    """The patient's assessments, newest first, each with what it superseded, what
    superseded it and the board's decisions on it."""
    return list(
        patient.assessments.select_related("created_by", "supersedes", "superseded_by")
        .prefetch_related(*BOARD_DECISIONS)
        .defer("findings", "result")
        .order_by("-created_at")
    )


def patient_assessments_as_stored(patient: Patient) -> list[Assessment]:
    """The patient's assessments, newest first, each whole (findings and result as
    stored), with its supersession links and the board's decisions on it."""
    return list(
        patient.assessments.select_related("created_by", "supersedes", "superseded_by")
        .prefetch_related(*BOARD_DECISIONS)
        .order_by("-created_at")
    )


def assessment_get(assessment_id: uuid.UUID) -> Assessment:
    return (
        Assessment.objects.select_related("patient", "created_by", "supersedes", "superseded_by")
        .prefetch_related(*BOARD_DECISIONS)
        .get(pk=assessment_id)
    )


def patient_current_assessment(patient: Patient) -> Assessment | None:
    """The patient's latest assessment, read as its page reads it, or None before the
    first."""
    current = CurrentAssessment.objects.filter(patient=patient).values_list(
        "assessment_id", flat=True
    )
    assessment_id = current.first()
    return assessment_get(assessment_id) if assessment_id else None


def assessment_of_encounter(patient: Patient, encounter_date: date) -> Assessment | None:
    """The patient's latest current assessment of that encounter date, if any."""
    return (
        patient.assessments.current()
        .filter(encounter_date=encounter_date)
        .select_related("created_by")
        .defer("findings", "result")
        .order_by("-created_at")
        .first()
    )


def assessments_recent(*, author, limit: int) -> list[Assessment]:
    """The author's latest assessments, newest first, with their patients and the board's
    decisions."""
    return list(
        Assessment.objects.filter(created_by=author)
        .select_related("patient")
        .prefetch_related(*BOARD_DECISIONS)
        .defer("findings", "result")
        .order_by("-created_at")[:limit]
    )


def assessments_decided_since(*, author, since: datetime | None, limit: int) -> list[Assessment]:
    """The author's assessments on which the board recorded a decision after ``since``
    (ever, when None), the latest decided first."""
    decided = Assessment.objects.filter(created_by=author).annotate(
        last_decided=Max("board_decisions__recorded_at")
    )
    decided = (
        decided.filter(last_decided__gt=since)
        if since
        else decided.filter(last_decided__isnull=False)
    )
    return list(
        decided.select_related("patient")
        .prefetch_related(*BOARD_DECISIONS)
        .defer("findings", "result")
        .order_by("-last_decided")[:limit]
    )
