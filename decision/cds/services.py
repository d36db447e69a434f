"""Writes of the CDS Hooks service, each in one transaction with its audit event. The
audit payloads hold ids, codes and counts: never a token, an MRN or clinical content."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from decision.audit.services import atomic_audit_event_record, audit_event_record
from decision.cds import cards, payloads, selectors
from decision.cds.models import CdsClient, SeenToken, ServedCard
from decision.cds.payloads import Feedback, PatientView
from decision.cds.trust import CLOCK_LEEWAY, TokenRefused, TrustedToken
from decision.clinic import selectors as clinic_selectors
from decision.clinic.presenters import reevaluate
from decision.core import roles

# What a client's card links to, by URL name and object id: absolute URLs of this app.
UrlFor = Callable[..., str]


def cds_client_save(
    *,
    client: CdsClient,
    author: AbstractBaseUser,
    changed: list[str],
    request: HttpRequest | None = None,
) -> CdsClient:
    """Register a client, or save a change to one (administrators, in the admin)."""
    with transaction.atomic():
        registered = client._state.adding
        client.save()
        audit_event_record(
            action="cds.client_registered" if registered else "cds.client_changed",
            actor=author,
            request=request,
            object_type="cds_client",
            object_id=client.pk,
            payload={
                "changed": sorted(changed),
                "issuer": client.issuer,
                "tenant": client.tenant,
                "user": client.user_id,
                "kids": [key.get("kid") for key in client.jwks.get("keys", [])],
                "origins": client.origins,
                "is_active": client.is_active,
            },
        )
    return client


def token_accept(*, token: TrustedToken, now: datetime) -> CdsClient:
    """Remember the token's ``jti`` until it expires, refusing it if it was seen before.
    Tokens that have expired are forgotten."""
    try:
        with transaction.atomic():
            SeenToken.objects.filter(expires_at__lt=now - CLOCK_LEEWAY).delete()
            SeenToken.objects.create(
                client=token.client, jti=token.jti, expires_at=token.expires_at
            )
    except IntegrityError:
        raise TokenRefused(
            "replayed",
            "This token (its jti) was already used.",
            issuer=token.client.issuer,
            client=token.client,
        ) from None
    return token.client


def token_refusal_record(*, refusal: TokenRefused, request: HttpRequest) -> None:
    """An audit event for a refused call: the reason, the issuer it claimed, never the
    token."""
    atomic_audit_event_record(
        action="cds.request_refused",
        actor=None,
        request=request,
        object_type="cds_client" if refusal.client else "",
        object_id=refusal.client.pk if refusal.client else "",
        payload={"reason": refusal.reason, "issuer": refusal.issuer[:255], "path": request.path},
    )


def _no_card(
    *, client: CdsClient, hook: PatientView, reason: str, request: HttpRequest
) -> dict[str, Any]:
    atomic_audit_event_record(
        action="cds.no_card",
        actor=client.user,
        request=request,
        object_type="cds_client",
        object_id=client.pk,
        payload={"reason": reason, "hook_instance": str(hook.hook_instance)},
    )
    return {"cards": []}


def _matching_patient(hook: PatientView):
    """Our patient, matched by the prefetched Patient's MRN identifier, or why none is."""
    if hook.patient is None:
        return None, "no_patient_prefetched"
    mrns = payloads.mrns_of(hook.patient, system=settings.FHIR_MRN_SYSTEM)
    if len(mrns) != 1:
        return None, "ambiguous_mrn" if mrns else "no_mrn"
    patient = clinic_selectors.patient_with_mrn(mrns.pop())
    if patient is None:
        return None, "unknown_patient"
    birth_date = hook.patient.get("birthDate")
    if isinstance(birth_date, str) and not patient.date_of_birth.isoformat().startswith(birth_date):
        return None, "birth_date_differs"
    return patient, ""


def patient_view_answer(
    *, client: CdsClient, hook: PatientView, url_for: UrlFor, request: HttpRequest
) -> dict[str, Any]:
    """The answer to a patient-view call: one card about the patient's latest assessment
    (or saying there is none), served as the client's user would see it on the web and
    recorded in the audit log; no card for a user without a clinical role or a patient
    this app does not know."""
    if not roles.can_read_clinical(client.user):
        return _no_card(client=client, hook=hook, reason="no_clinical_role", request=request)
    patient, reason = _matching_patient(hook)
    if patient is None:
        return _no_card(client=client, hook=hook, reason=reason, request=request)
    assessment = clinic_selectors.patient_current_assessment(patient)
    card_id = uuid.uuid4()
    about_url = url_for("about")
    if assessment is None:
        record_url = (
            url_for("assessment_create", patient_id=patient.pk)
            if roles.can_write_clinical(client.user)
            else None
        )
        card = cards.no_assessment_card(card_id=card_id, record_url=record_url, about_url=about_url)
    else:
        card = cards.assessment_card(
            card_id=card_id,
            assessment=assessment,
            reevaluation=reevaluate(
                assessment.findings, assessment.result, as_of=assessment.encounter_date
            ),
            assessment_url=url_for("assessment_detail", assessment_id=assessment.pk),
            about_url=about_url,
        )
    with transaction.atomic():
        ServedCard.objects.create(
            id=card_id,
            client=client,
            patient=patient,
            assessment=assessment,
            served_at=timezone.now(),
        )
        audit_event_record(
            action="cds.card_served",
            actor=client.user,
            request=request,
            object_type="cds_card",
            object_id=card_id,
            patient_id=patient.pk,
            payload={
                "client": client.pk,
                "assessment": str(assessment.pk) if assessment else None,
                "indicator": card["indicator"],
                "hook_instance": str(hook.hook_instance),
            },
        )
    return {"cards": [card]}


class CardUnknown(Exception):
    """Feedback on a card this client was never given."""


def feedback_record(*, client: CdsClient, feedback: list[Feedback], request: HttpRequest) -> int:
    """One audit event per item of feedback, tied to the card and its patient; all or
    none. Free-text comments are not kept: only whether one was given."""
    served = {}
    for item in feedback:
        served[item.card] = selectors.served_card(item.card, client=client)
        if served[item.card] is None:
            raise CardUnknown(f"Card {item.card} was not given to this client.")
    with transaction.atomic():
        for item in feedback:
            audit_event_record(
                action="cds.feedback_received",
                actor=client.user,
                request=request,
                object_type="cds_card",
                object_id=item.card,
                patient_id=served[item.card].patient_id,
                payload={
                    "client": client.pk,
                    "card_outcome": item.outcome,
                    "override_reason": item.reason,
                    "comment_given": item.comment_given,
                    "accepted_suggestions": item.accepted_suggestions,
                    "outcome_timestamp": item.outcome_timestamp.isoformat(),
                },
            )
    return len(feedback)
