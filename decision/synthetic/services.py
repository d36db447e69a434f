"""Writing synthetic patients in bulk, through the same rules, hashes and audit chain as
the app."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from decision import rules
from decision.audit import services as audit_services
from decision.audit.models import AuditEvent
from decision.clinic.models import Assessment, CurrentAssessment, Patient
from decision.clinic.services import assessment_created_payload
from decision.synthetic.cases import (
    SyntheticAssessment,
    SyntheticPatient,
    index_from_mrn,
    mrn_prefix,
    synthetic_patient,
)

AUTHOR_USERNAME = "synthetic"


@dataclass
class SeedSummary:
    seed: int
    first_index: int
    patients: int = 0
    assessments: int = 0
    corrections: int = 0
    events: int = 0
    seconds: float = 0.0
    latest_recommendations: Counter = field(default_factory=Counter)


def synthetic_author() -> AbstractBaseUser:
    """The account synthetic records are written by: inactive, so no one can log in as it."""
    user_model = get_user_model()
    author, created = user_model.objects.get_or_create(
        username=AUTHOR_USERNAME,
        defaults={"first_name": "Synthetic", "last_name": "data", "is_active": False},
    )
    if created:
        author.set_unusable_password()
        author.save(update_fields=["password"])
    return author


def next_synthetic_index(seed: int) -> int:
    """The index after the highest one of ``seed`` already in the database."""
    last = (
        Patient.objects.filter(mrn__startswith=mrn_prefix(seed))
        .order_by("-mrn")
        .values_list("mrn", flat=True)
        .first()
    )
    return 0 if last is None else index_from_mrn(seed, last) + 1


def synthetic_patients_seed(
    *,
    count: int,
    seed: int,
    as_of: date,
    batch_size: int = 1000,
    progress: Callable[[SeedSummary], None] | None = None,
) -> SeedSummary:
    """Add ``count`` synthetic patients of ``seed``, continuing after those already there.

    Each batch is one transaction: patients, assessments (evaluated by the rules service,
    with their content hashes) and their audit events, appended to the chain under the
    same lock every audit writer takes.
    """
    started = time.perf_counter()
    author = synthetic_author()
    first = next_synthetic_index(seed)
    summary = SeedSummary(seed=seed, first_index=first)
    for start in range(first, first + count, batch_size):
        stop = min(start + batch_size, first + count)
        cases = [synthetic_patient(seed=seed, index=i, as_of=as_of) for i in range(start, stop)]
        patients, assessments = _records(cases, author)
        latest = _latest(assessments)
        with transaction.atomic():
            Patient.objects.bulk_create(patients)
            Assessment.objects.bulk_create(assessments)
            CurrentAssessment.objects.bulk_create(
                CurrentAssessment(patient_id=case.patient_id, **CurrentAssessment.fields_for(case))
                for case in latest
            )
            events = _audit_events_append(_event_drafts(patients, assessments, author))
        summary.patients += len(patients)
        summary.assessments += len(assessments)
        summary.corrections += sum(1 for a in assessments if a.supersedes_id is not None)
        summary.events += len(events)
        summary.latest_recommendations.update(case.recommendation_code for case in latest)
        summary.seconds = time.perf_counter() - started
        if progress is not None:
            progress(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _records(
    cases: list[SyntheticPatient], author: AbstractBaseUser
) -> tuple[list[Patient], list[Assessment]]:
    patients: list[Patient] = []
    assessments: list[Assessment] = []
    for case in cases:
        patients.append(
            Patient(
                id=case.id,
                mrn=case.mrn,
                family_name=case.family_name,
                given_name=case.given_name,
                date_of_birth=case.date_of_birth,
                sex=case.sex,
                created_by=author,
                created_at=case.created_at,
                is_synthetic=True,
            )
        )
        before: Assessment | None = None
        for planned in case.assessments:
            before = _assessment(
                planned,
                patient_id=case.id,
                author=author,
                supersedes=before if planned.supersede_reason else None,
            )
            assessments.append(before)
    return patients, assessments


def _assessment(
    planned: SyntheticAssessment,
    *,
    patient_id: uuid.UUID,
    author: AbstractBaseUser,
    supersedes: Assessment | None,
) -> Assessment:
    """An assessment as ``clinic.services.assessment_create`` would store it."""
    encounter = planned.encounter_date
    parsed = rules.parse_findings(planned.findings, as_of=encounter)
    return Assessment.with_result(
        rules.evaluate(parsed, as_of=encounter).to_dict(),
        id=planned.id,
        patient_id=patient_id,
        encounter_date=encounter,
        findings=planned.findings,
        supersedes=supersedes,
        supersede_reason=planned.supersede_reason,
        idempotency_key=planned.idempotency_key,
        created_by=author,
        created_at=planned.created_at,
        is_synthetic=True,
    )


def _event_drafts(
    patients: list[Patient], assessments: list[Assessment], author: AbstractBaseUser
) -> list[AuditEvent]:
    """The events the services would have written, in the order they would have, without
    their place in the chain yet. Each event is dated like the record it is about."""
    by_patient: dict[uuid.UUID, list[Assessment]] = {}
    for assessment in assessments:
        by_patient.setdefault(assessment.patient_id, []).append(assessment)
    drafts: list[AuditEvent] = []
    for patient in patients:
        registered = {"content_hash": patient.content_hash}
        drafts.append(
            _event(author, "patient.created", patient, patient.pk, patient.created_at, registered)
        )
        for assessment in by_patient[patient.pk]:
            created = assessment_created_payload(assessment)
            when = assessment.created_at
            drafts.append(
                _event(author, "assessment.created", patient, assessment.pk, when, created)
            )
            if assessment.supersedes_id is not None:
                superseded = {"superseded_by": str(assessment.pk)}
                drafts.append(
                    _event(
                        author,
                        "assessment.superseded",
                        patient,
                        assessment.supersedes_id,
                        when,
                        superseded,
                    )
                )
    return drafts


def _event(
    author: AbstractBaseUser,
    action: str,
    patient: Patient,
    object_id: uuid.UUID,
    when: datetime,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent(
        occurred_at=when,
        actor_id=author.pk,
        action=action,
        object_type=action.split(".")[0],
        object_id=str(object_id),
        patient_id=patient.pk,
        client_address=None,
        request_id="",
        payload={**(payload or {}), "synthetic": True},
    )


def _audit_events_append(drafts: list[AuditEvent]) -> list[AuditEvent]:
    """Link ``drafts`` to the end of the audit chain and insert them, in the caller's
    transaction, holding the chain's lock so that no other writer interleaves."""
    sequence, previous_hash = audit_services.audit_chain_tail()
    for event in drafts:
        sequence += 1
        event.sequence = sequence
        event.previous_hash = previous_hash
        audit_services.audit_event_seal(event)
        previous_hash = event.hash
    return AuditEvent.objects.bulk_create(drafts)


def _latest(assessments: list[Assessment]) -> list[Assessment]:
    """Each patient's latest assessment (the board's cases; none has a decision yet)."""
    latest: dict[Any, Assessment] = {}
    for assessment in assessments:
        current = latest.get(assessment.patient_id)
        if current is None or current.created_at < assessment.created_at:
            latest[assessment.patient_id] = assessment
    return list(latest.values())
