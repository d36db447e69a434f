"""Reads for patients and assessments, each with the joins its page needs."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from decision.clinic.models import Assessment, Patient


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


def patient_get(patient_id: uuid.UUID) -> Patient:
    """The patient (``Patient.DoesNotExist`` if unknown)."""
    return Patient.objects.get(pk=patient_id)


def patient_id_for_mrn(mrn: str) -> uuid.UUID | None:
    """The id of the patient with this MRN (in any case), or None."""
    return Patient.objects.filter(mrn__iexact=mrn).values_list("pk", flat=True).first()


def patient_assessment_history(patient: Patient) -> list[Assessment]:
    """The patient's assessments, newest first, each with what it superseded and what
    superseded it."""
    return list(
        patient.assessments.select_related("created_by", "supersedes", "superseded_by").order_by(
            "-created_at"
        )
    )


def assessment_get(assessment_id: uuid.UUID) -> Assessment:
    return Assessment.objects.select_related(
        "patient", "created_by", "supersedes", "superseded_by"
    ).get(pk=assessment_id)


def assessments_recent(*, author, limit: int) -> list[Assessment]:
    """The author's latest assessments, newest first, with their patients."""
    return list(
        Assessment.objects.filter(created_by=author)
        .select_related("patient")
        .order_by("-created_at")[:limit]
    )
