"""FHIR R4 Bundles (type ``collection``) of stored assessments (docs/api.md).

Callers pass records with their relations loaded, so that building makes no query: the
assessment with ``patient``, ``created_by``, ``superseded_by`` (``select_related``), and
the board's latest decision on it with ``recorded_by`` and ``meeting`` (for example
``clinic.selectors.assessment_get`` and ``assessment.latest_board_decision``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from decision.board.models import BoardDecision
from decision.clinic.models import Assessment, Patient
from decision.fhir import resources
from decision.fhir.resources import AssessmentUrls, Resource

Entry = dict[str, Any]


def assessment_bundle(
    assessment: Assessment, *, board_decision: BoardDecision | None, base_url: str
) -> dict[str, Any]:
    """One assessment and its patient as a Bundle. ``board_decision`` is the board's
    latest decision on it, or None; ``base_url`` is the app's address (scheme and host),
    which names the app's own record ids."""
    base_url = base_url.rstrip("/")
    return collection(
        [
            patient_entry(assessment.patient, base_url=base_url),
            *assessment_entries(assessment, board_decision=board_decision, base_url=base_url),
        ]
    )


def patient_bundle(
    patient: Patient,
    entries: Sequence[tuple[Assessment, BoardDecision | None]],
    *,
    base_url: str,
) -> dict[str, Any]:
    """The patient and each of their assessments, in the order given, as one Bundle. Each
    assessment comes with the board's latest decision on it, or None."""
    base_url = base_url.rstrip("/")
    assessment_parts = []
    for assessment, board_decision in entries:
        if assessment.patient_id != patient.pk:
            raise ValueError(f"Assessment {assessment.pk} is not of patient {patient.pk}.")
        assessment_parts.extend(
            assessment_entries(assessment, board_decision=board_decision, base_url=base_url)
        )
    return collection([patient_entry(patient, base_url=base_url), *assessment_parts])


def collection(entries: list[Entry]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def entry(full_url: str, resource: Resource) -> Entry:
    return {"fullUrl": full_url, "resource": resource}


def patient_entry(patient: Patient, *, base_url: str) -> Entry:
    return entry(
        resources.patient_url(patient.pk),
        resources.patient_resource(patient, base_url=base_url),
    )


def assessment_entries(
    assessment: Assessment, *, board_decision: BoardDecision | None, base_url: str
) -> list[Entry]:
    """The assessment's Observations, RiskAssessment, GuidanceResponse and Provenance."""
    if board_decision is not None and board_decision.assessment_id != assessment.pk:
        raise ValueError(
            f"Board decision {board_decision.pk} is not on assessment {assessment.pk}."
        )
    urls = AssessmentUrls.of(assessment)
    risk = resources.risk_assessment(
        assessment, urls, board_decision=board_decision, base_url=base_url
    )
    return [
        *(entry(url, observation) for url, observation in resources.observations(assessment, urls)),
        entry(urls.risk_assessment, risk),
        entry(
            urls.guidance_response, resources.guidance_response(assessment, urls, base_url=base_url)
        ),
        entry(urls.provenance, resources.provenance(assessment, urls, base_url=base_url)),
    ]
