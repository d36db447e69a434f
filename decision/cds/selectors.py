"""Reads for the CDS Hooks service."""

from __future__ import annotations

import uuid
from typing import Any

from decision.cds.keys import origins_list
from decision.cds.models import CdsClient, ServedCard
from decision.clinic import selectors as clinic_selectors
from decision.clinic.models import Assessment, CurrentAssessment, Patient


def cds_client_for_issuer(issuer: str, *, tenant: str) -> CdsClient | None:
    """The active client registered for this issuer and tenant; failing that, the one
    registered for this issuer with no tenant, which accepts any."""
    clients = CdsClient.objects.filter(
        issuer=issuer, tenant__in={tenant, ""}, is_active=True
    ).select_related("user")
    by_tenant = {client.tenant: client for client in clients}
    return by_tenant.get(tenant) or by_tenant.get("")


def registered_origins() -> set[str]:
    """Every browser origin an active client may call from."""
    active = CdsClient.objects.filter(is_active=True)
    return {
        origin
        for text in active.values_list("allowed_origins", flat=True)
        for origin in origins_list(text)
    }


def mrns_of(resource: dict[str, Any], *, system: str) -> set[str]:
    """The values of the FHIR Patient's identifiers in our MRN ``system`` (upper case, as
    MRNs are unique whatever their case)."""
    identifiers = resource.get("identifier")
    if not isinstance(identifiers, list):
        return set()
    return {
        identifier["value"].strip().upper()
        for identifier in identifiers
        if isinstance(identifier, dict)
        and identifier.get("system") == system
        and isinstance(identifier.get("value"), str)
        and identifier["value"].strip()
    }


def patient_with_mrn(mrn: str) -> Patient | None:
    return Patient.objects.filter(mrn__iexact=mrn).first()


def current_assessment(patient: Patient) -> Assessment | None:
    """The patient's latest assessment, with the board's decisions on it (as its pages
    read it), or None before the first."""
    current = CurrentAssessment.objects.filter(patient=patient).values_list(
        "assessment_id", flat=True
    )
    assessment_id = current.first()
    return clinic_selectors.assessment_get(assessment_id) if assessment_id else None


def served_card(card_id: uuid.UUID, *, client: CdsClient) -> ServedCard | None:
    """The card of this id given to this client, if it was."""
    return ServedCard.objects.filter(pk=card_id, client=client).first()
