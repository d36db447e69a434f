"""Reads for patients and assessments, each with the joins its page needs."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db.models import Q, QuerySet

from decision.audit.selectors import latest_sequences
from decision.clinic.models import Assessment, Patient
from decision.core.sql import record_by_pk


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


# Every patient is registered together with its "patient.created" audit event, in one
# transaction, and no patient is ever deleted: the latest such event identifies how many
# patients there are.
_PATIENT_CHANGES = ("patient.created",)
_TOTAL_SECONDS = 600


def patient_total() -> int:
    """How many patients are registered.

    Counting them reads every one (about 15 ms at 100,000 patients), so the total is kept
    in the cache until the next registration; finding out whether there was one is an
    index look-up.
    """
    (version,) = latest_sequences(_PATIENT_CHANGES)
    total = cache.get(f"patient-total:{version}")
    if total is None:
        # The version again, with the count from the same snapshot.
        version, total = latest_sequences(
            _PATIENT_CHANGES, also="(SELECT COUNT(*) FROM clinic_patient)"
        )
        cache.set(f"patient-total:{version}", total, _TOTAL_SECONDS)
    return total


def patient_get(patient_id: uuid.UUID) -> Patient:
    """The patient (``Patient.DoesNotExist`` if unknown). Read for every patient page and
    assessment form, so in plain SQL."""
    return record_by_pk(Patient, patient_id)


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
