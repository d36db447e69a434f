"""Builders for test data, going through the real services."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from typing import Any

from decision.audit.keys import current_key
from decision.audit.models import AuditEvent
from decision.clinic import services

_mrn = itertools.count(1000)

# Spec section 8, example 1: synchronous, fit, liver-only, resectable, primary in place,
# N+, 3 tumors, largest 6 cm, CEA 250.
EXAMPLE_1_FINDINGS: dict[str, Any] = {
    "fit_for_surgery": True,
    "symptomatic_primary": False,
    "primary_resected": False,
    "primary_resection_date": None,
    "primary_node_positive": True,
    "liver_metastases_diagnosis_date": "2026-10-01",
    "liver_tumor_count": 3,
    "largest_liver_tumor_cm": 6.0,
    "cea_ng_ml": 250.0,
    "portal_lymph_nodes": False,
    "carcinomatosis": False,
    "lung_metastases": False,
    "other_extrahepatic_metastases": False,
    "staging_complete": True,
    "liver_resectability": "resectable",
}

# Spec section 8, example 3: primary resected 2023-03-10, liver metastases 2024-03-10
# (exactly 12 months), N0, one tumor of 5.0 cm, CEA 200, unresectable.
EXAMPLE_3_FINDINGS: dict[str, Any] = {
    **EXAMPLE_1_FINDINGS,
    "primary_resected": True,
    "primary_resection_date": "2023-03-10",
    "liver_metastases_diagnosis_date": "2024-03-10",
    "primary_node_positive": False,
    "liver_tumor_count": 1,
    "largest_liver_tumor_cm": 5.0,
    "cea_ng_ml": 200.0,
    "liver_resectability": "unresectable",
}

# The web form's answers for example 1.
EXAMPLE_1_FORM: dict[str, str] = {
    "encounter_date": "2026-11-20",
    "fit_for_surgery": "yes",
    "symptomatic_primary": "no",
    "primary_resected": "no",
    "primary_resection_date": "",
    "primary_node_positive": "yes",
    "liver_metastases_diagnosis_date": "2026-10-01",
    "liver_tumor_count": "3",
    "largest_liver_tumor_cm": "6",
    "cea_ng_ml": "250",
    "staging_complete": "yes",
    "liver_resectability": "resectable",
}


def make_patient(author, **fields: Any):
    values = {
        "mrn": f"MRN{next(_mrn)}",
        "family_name": "Rivera",
        "given_name": "Ana",
        "date_of_birth": date(1958, 4, 12),
        "sex": "female",
        **fields,
    }
    return services.patient_create(author=author, **values)


def make_assessment(
    patient,
    author,
    *,
    findings: dict[str, Any] | None = None,
    encounter_date: date = date(2026, 11, 20),
    supersedes=None,
    supersede_reason: str = "",
):
    return services.assessment_create(
        author=author,
        patient=patient,
        encounter_date=encounter_date,
        findings=dict(findings or EXAMPLE_1_FINDINGS),
        idempotency_key=uuid.uuid4(),
        supersedes=supersedes,
        supersede_reason=supersede_reason,
    )


def make_meeting(organiser, *, meeting_date: date | None = None, title: str = "Liver tumor board"):
    """A meeting held today: cases can still be put on its agenda, and the board can
    record that it decided them there."""
    from django.utils import timezone

    from decision.board import services as board_services

    return board_services.meeting_create(
        organiser=organiser, meeting_date=meeting_date or timezone.localdate(), title=title
    )


def make_decision(
    assessment,
    recorder,
    *,
    outcome: str = "agree",
    plan: str = "",
    rationale: str = "",
    meeting=None,
    supersedes=None,
    supersede_reason: str = "",
):
    from decision.board import services as board_services

    return board_services.board_decision_record(
        recorder=recorder,
        assessment=assessment,
        outcome=outcome,
        plan=plan,
        rationale=rationale,
        meeting=meeting,
        idempotency_key=uuid.uuid4(),
        supersedes=supersedes,
        supersede_reason=supersede_reason,
    )


def next_event_forged() -> AuditEvent:
    """An event linked to the chain's head as the next one would be, under the current
    key's id, unsaved and with no hash yet: the start of a forgery."""
    head = AuditEvent.objects.order_by("-sequence").first()
    return AuditEvent(
        sequence=head.sequence + 1,
        occurred_at=head.occurred_at,
        action="patient.viewed",
        payload={},
        previous_hash=head.hash,
        key_id=current_key()[0],
    )


# Recovery codes have django-otp's shape: 8 characters of lower-case base32.
RECOVERY_CODES = ("ab2cd3ef", "gh4ij5kl", "mn6op7qr")


def make_two_factor(user, *, recovery_codes: tuple[str, ...] = RECOVERY_CODES):
    """An authenticator app already set up for ``user``, with known recovery codes; made
    directly, since setting one up through the service needs a request."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    for code in recovery_codes:
        recovery.token_set.create(token=code)
    return device


def totp_code(key: bytes, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app holding ``key`` shows now, or that many 30-second
    steps later (django-otp accepts the next step too, and each step only once)."""
    from django_otp.oath import TOTP

    return f"{TOTP(key, drift=steps_ahead).token():06d}"


def totp_code_wrong(key: bytes) -> str:
    """Six digits that match none of the codes django-otp would accept around now."""
    accepted = {totp_code(key, steps_ahead=step) for step in range(-2, 3)}
    return next(code for code in (digit * 6 for digit in "0123456789") if code not in accepted)


def two_factor_pause_passes(user) -> None:
    """As if ``user`` had waited out django-otp's pause after wrong codes: the last wrong
    code was an hour ago."""
    from datetime import timedelta

    from django.utils import timezone
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    an_hour_ago = timezone.now() - timedelta(hours=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_timestamp__isnull=False).update(
            throttling_failure_timestamp=an_hour_ago
        )
