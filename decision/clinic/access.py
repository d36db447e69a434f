"""One helper per object type decides who may see it; outsiders get a 404."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from decision.clinic import selectors
from decision.clinic.models import Assessment, Patient
from decision.core import roles


def patient_for_user(request: HttpRequest, patient_id: uuid.UUID) -> Patient:
    """The patient, if the user may read clinical records; else 404."""
    if not roles.can_read_clinical(request.user):
        raise Http404
    try:
        return selectors.patient_get(patient_id)
    except Patient.DoesNotExist:
        raise Http404 from None


def assessment_for_user(request: HttpRequest, assessment_id: uuid.UUID) -> Assessment:
    """The assessment, if the user may read clinical records; else 404."""
    if not roles.can_read_clinical(request.user):
        raise Http404
    try:
        return selectors.assessment_get(assessment_id)
    except Assessment.DoesNotExist:
        raise Http404 from None


def require_clinical_writer(request: HttpRequest) -> None:
    """Refuse (403) users who may read but not record clinical data; 404 for the others."""
    if not roles.can_read_clinical(request.user):
        raise Http404
    if not roles.can_write_clinical(request.user):
        raise PermissionDenied


def require_clinical_reader(request: HttpRequest) -> None:
    if not roles.can_read_clinical(request.user):
        raise Http404
