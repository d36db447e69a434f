"""What record systems send, checked against the CDS Hooks 2.0 specification before
anything is looked up: the patient-view request and the feedback on cards."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

HOOK = "patient-view"
# The prefetch key of the discovery document's Patient template.
PATIENT_PREFETCH = "patient"
OUTCOMES = ("accepted", "overridden")
_LONGEST_TEXT = 200


class RequestInvalid(Exception):
    """A request that does not follow the specification (answered 400, with the reason)."""


class PrefetchMissing(Exception):
    """The Patient was not prefetched, and this service never calls the record system's
    FHIR server (answered 412, as the specification says)."""


@dataclass(frozen=True)
class PatientView:
    hook_instance: uuid.UUID
    patient_id: str
    # The prefetched FHIR Patient, or None when the client found none (a null prefetch).
    patient: dict[str, Any] | None


@dataclass(frozen=True)
class Feedback:
    card: uuid.UUID
    outcome: str
    outcome_timestamp: datetime
    accepted_suggestions: int
    reason: dict[str, str] | None
    comment_given: bool


def json_object(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise RequestInvalid("The body is not JSON.") from None
    if not isinstance(document, dict):
        raise RequestInvalid("The body must be a JSON object.")
    return document


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RequestInvalid(f"{name} must be a non-empty string.")
    return value


def _uuid(value: Any, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(_text(value, name).removeprefix("urn:uuid:"))
    except ValueError:
        raise RequestInvalid(f"{name} must be a UUID.") from None


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RequestInvalid(f"{name} must be a JSON object.")
    return value


def _prefetched_patient(document: dict[str, Any], patient_id: str) -> dict[str, Any] | None:
    prefetch = document.get("prefetch")
    if prefetch is None or PATIENT_PREFETCH not in _object(prefetch, "prefetch"):
        raise PrefetchMissing
    patient = prefetch[PATIENT_PREFETCH]
    if patient is None:
        return None
    _object(patient, f"prefetch.{PATIENT_PREFETCH}")
    if patient.get("resourceType") == "OperationOutcome":
        # The client could not fetch it: the service cannot do without it.
        raise PrefetchMissing
    if patient.get("resourceType") != "Patient":
        raise RequestInvalid(f"prefetch.{PATIENT_PREFETCH} must be a FHIR Patient.")
    if "id" in patient and patient["id"] != patient_id:
        raise RequestInvalid(f"prefetch.{PATIENT_PREFETCH} is not the patient in context.")
    return patient


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


def patient_view(document: dict[str, Any]) -> PatientView:
    """The patient-view request: ``hook``, ``hookInstance`` and ``context`` (with
    ``userId`` and ``patientId``) as the specification and the hook require, ``fhirServer``
    when ``fhirAuthorization`` is given, and the prefetched Patient."""
    if document.get("hook") != HOOK:
        raise RequestInvalid(f'This service answers the "{HOOK}" hook only.')
    hook_instance = _uuid(document.get("hookInstance"), "hookInstance")
    if "fhirAuthorization" in document and "fhirServer" not in document:
        raise RequestInvalid("fhirServer is required when fhirAuthorization is given.")
    context = _object(document.get("context"), "context")
    _text(context.get("userId"), "context.userId")
    patient_id = _text(context.get("patientId"), "context.patientId")
    return PatientView(
        hook_instance=hook_instance,
        patient_id=patient_id,
        patient=_prefetched_patient(document, patient_id),
    )


def _timestamp(value: Any, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value, name))
    except ValueError:
        raise RequestInvalid(f"{name} must be an RFC 3339 date and time.") from None
    if moment.tzinfo is None:
        raise RequestInvalid(f"{name} must give its time zone (UTC, Z).")
    return moment


def _reason(value: Any, name: str) -> tuple[dict[str, str] | None, bool]:
    override = _object(value, name)
    if not override:
        raise RequestInvalid(f"{name} must not be empty.")
    reason = None
    if "reason" in override:
        coding = _object(override["reason"], f"{name}.reason")
        reason = {
            "system": _text(coding.get("system"), f"{name}.reason.system")[:_LONGEST_TEXT],
            "code": _text(coding.get("code"), f"{name}.reason.code")[:_LONGEST_TEXT],
        }
    if "userComment" in override:
        _text(override["userComment"], f"{name}.userComment")
    return reason, "userComment" in override


def _feedback(item: Any, name: str) -> Feedback:
    item = _object(item, name)
    outcome = item.get("outcome")
    if outcome not in OUTCOMES:
        raise RequestInvalid(f"{name}.outcome must be accepted or overridden.")
    suggestions = item.get("acceptedSuggestions", [])
    if outcome == "accepted" and not suggestions:
        raise RequestInvalid(f"{name}.acceptedSuggestions is required when accepted.")
    if not isinstance(suggestions, list):
        raise RequestInvalid(f"{name}.acceptedSuggestions must be a list.")
    for position, suggestion in enumerate(suggestions):
        _text(_object(suggestion, f"{name}.acceptedSuggestions[{position}]").get("id"), "id")
    reason, comment_given = (
        _reason(item["overrideReason"], f"{name}.overrideReason")
        if "overrideReason" in item
        else (None, False)
    )
    return Feedback(
        card=_uuid(item.get("card"), f"{name}.card"),
        outcome=outcome,
        outcome_timestamp=_timestamp(item.get("outcomeTimestamp"), f"{name}.outcomeTimestamp"),
        accepted_suggestions=len(suggestions),
        reason=reason,
        comment_given=comment_given,
    )


def feedback_list(document: dict[str, Any]) -> list[Feedback]:
    """Every item of a feedback request, each checked (``card``, ``outcome``,
    ``acceptedSuggestions`` when accepted, ``overrideReason``, ``outcomeTimestamp``)."""
    items = document.get("feedback")
    if not isinstance(items, list) or not items:
        raise RequestInvalid("feedback must be a non-empty list.")
    return [_feedback(item, f"feedback[{position}]") for position, item in enumerate(items)]
