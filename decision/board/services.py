"""Writes for the tumor board. Each is one transaction with its audit event."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Literal, TextIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from decision.audit.services import audit_chain_lock, audit_event_record
from decision.board import export, selectors
from decision.board.models import AgendaItem, BoardDecision, Guest, Meeting, Outcome
from decision.clinic.models import Assessment, CurrentAssessment


class BoardConflict(Exception):
    """The board action cannot be done as asked; the message says why, in plain words."""


# --- Decisions ---------------------------------------------------------------------------


def board_decision_record(
    *,
    recorder: AbstractBaseUser,
    assessment: Assessment,
    outcome: str,
    plan: str,
    rationale: str,
    idempotency_key: uuid.UUID,
    meeting: Meeting | None = None,
    supersedes: BoardDecision | None = None,
    supersede_reason: str = "",
    request: HttpRequest | None = None,
) -> BoardDecision:
    """Record the board's decision on ``assessment``, or amend the latest one.

    ``supersedes`` must be the assessment's latest decision when amending, and ``None``
    when deciding for the first time; if someone else decided or amended meanwhile, the
    decision is refused (``BoardConflict``) rather than silently stacked. Decisions on a
    corrected (superseded) assessment are refused. Submitting the same
    ``idempotency_key`` again returns the decision saved the first time.
    """
    plan, rationale, supersede_reason = plan.strip(), rationale.strip(), supersede_reason.strip()
    if outcome not in Outcome.values:
        raise BoardConflict("Choose the board's decision.")
    if outcome != Outcome.AGREE and not plan:
        raise BoardConflict("Describe the plan (needed unless the board agrees).")
    if supersedes is not None and not supersede_reason:
        raise BoardConflict("Say why the decision is amended.")
    if meeting is not None and meeting.meeting_date > timezone.localdate():
        raise BoardConflict("The board cannot have decided at a meeting that has not been held.")
    with transaction.atomic():
        # From here on no other audited write runs, so what is checked below still holds
        # when this transaction commits.
        audit_chain_lock()
        existing = _decision_for_key(idempotency_key, assessment=assessment, recorder=recorder)
        if existing is not None:
            return existing
        _check_case(assessment, expected_latest=supersedes)
        decision = BoardDecision(
            assessment=assessment,
            meeting=meeting,
            outcome=outcome,
            plan=plan,
            rationale=rationale,
            supersedes=supersedes,
            supersede_reason=supersede_reason if supersedes is not None else "",
            idempotency_key=idempotency_key,
            recorded_by=recorder,
            recorded_at=timezone.now(),
        )
        decision.save()
        # The case leaves the queue (if it is its patient's current assessment), unless the
        # board deferred it for work-up: it then waits, marked deferred.
        deferred = outcome == Outcome.DEFER
        CurrentAssessment.objects.filter(assessment=assessment).update(
            awaiting_board_decision=deferred, deferred=deferred
        )
        _decision_audit(decision, recorder=recorder, request=request)
    return decision


_DECIDED_MEANWHILE = (
    "Someone recorded or amended the decision on this case meanwhile. Review the latest "
    "decision below, then amend it if needed."
)


def _decision_for_key(
    key: uuid.UUID, *, assessment: Assessment, recorder: AbstractBaseUser
) -> BoardDecision | None:
    existing = BoardDecision.objects.filter(idempotency_key=key).first()
    if existing is None:
        return None
    if existing.assessment_id != assessment.pk or existing.recorded_by_id != recorder.pk:
        raise BoardConflict("This form was already used for another decision.")
    return existing


def _check_case(assessment: Assessment, *, expected_latest: BoardDecision | None) -> None:
    """Refuse a decision on a corrected assessment, or one made against a latest decision
    that someone else has meanwhile amended."""
    if Assessment.objects.filter(supersedes=assessment).exists():
        raise BoardConflict(
            "This assessment has been corrected by a newer one, so no decision can be "
            "recorded on it. Open the current assessment's case instead."
        )
    if expected_latest is not None and expected_latest.assessment_id != assessment.pk:
        raise BoardConflict("An amendment must be for the same case.")
    latest = BoardDecision.objects.latest_only().filter(assessment=assessment).first()
    if latest != expected_latest:
        raise BoardConflict(_DECIDED_MEANWHILE)


def _decision_audit(
    decision: BoardDecision, *, recorder: AbstractBaseUser, request: HttpRequest | None
) -> None:
    patient_id = decision.assessment.patient_id
    audit_event_record(
        action="board.decision_recorded",
        actor=recorder,
        request=request,
        object_type="board_decision",
        object_id=decision.pk,
        patient_id=patient_id,
        payload={
            "assessment_id": str(decision.assessment_id),
            "meeting_id": str(decision.meeting_id) if decision.meeting_id else None,
            "content_hash": decision.content_hash,
        },
    )
    if decision.supersedes_id is not None:
        audit_event_record(
            action="board.decision_amended",
            actor=recorder,
            request=request,
            object_type="board_decision",
            object_id=decision.supersedes_id,
            patient_id=patient_id,
            payload={"superseded_by": str(decision.pk)},
        )


# --- Meetings and agendas ----------------------------------------------------------------


def meeting_create(
    *,
    organiser: AbstractBaseUser,
    meeting_date: date,
    title: str,
    request: HttpRequest | None = None,
) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.create(
            meeting_date=meeting_date,
            title=title.strip(),
            created_by=organiser,
            created_at=timezone.now(),
        )
        audit_event_record(
            action="board.meeting_created",
            actor=organiser,
            request=request,
            object_type="meeting",
            object_id=meeting.pk,
            payload={"meeting_date": meeting.meeting_date.isoformat()},
        )
    return meeting


def _lock_meeting(meeting_id: uuid.UUID) -> Meeting:
    """Serialise changes to one meeting's agenda and attendance."""
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def agenda_cases_add(
    *,
    organiser: AbstractBaseUser,
    meeting: Meeting,
    assessments: Iterable[Assessment],
    request: HttpRequest | None = None,
) -> int:
    """Put cases at the end of the meeting's agenda, in the order given; cases already on
    it are left where they are. Returns how many were added. Corrected (superseded)
    assessments are refused."""
    with transaction.atomic():
        _lock_meeting(meeting.pk)
        wanted = list(assessments)
        superseded = Assessment.objects.filter(
            pk__in=[assessment.pk for assessment in wanted], superseded_by__isnull=False
        )
        if superseded.exists():
            raise BoardConflict(
                "A chosen assessment has been corrected meanwhile; add the current one instead."
            )
        on_agenda = set(meeting.agenda_items.values_list("assessment_id", flat=True))
        position = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
        added = 0
        for assessment in wanted:
            if assessment.pk in on_agenda:
                continue
            position += 1
            added += 1
            on_agenda.add(assessment.pk)
            AgendaItem.objects.create(
                meeting=meeting,
                assessment=assessment,
                position=position,
                added_by=organiser,
                added_at=timezone.now(),
            )
            audit_event_record(
                action="board.case_added",
                actor=organiser,
                request=request,
                object_type="meeting",
                object_id=meeting.pk,
                patient_id=assessment.patient_id,
                payload={"assessment_id": str(assessment.pk), "position": position},
            )
    return added


def agenda_item_move(
    *,
    organiser: AbstractBaseUser,
    item: AgendaItem,
    direction: Literal["up", "down"],
    request: HttpRequest | None = None,
) -> None:
    """Swap the case with its neighbour above or below; at either end nothing changes."""
    with transaction.atomic():
        _lock_meeting(item.meeting_id)
        item = AgendaItem.objects.select_related("assessment").get(pk=item.pk)
        siblings = AgendaItem.objects.filter(meeting_id=item.meeting_id)
        if direction == "up":
            neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
        else:
            neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
        if neighbour is None:
            return
        # Positions are unique per meeting, so the swap goes through a free position (0).
        mine, theirs = item.position, neighbour.position
        AgendaItem.objects.filter(pk=item.pk).update(position=0)
        AgendaItem.objects.filter(pk=neighbour.pk).update(position=mine)
        AgendaItem.objects.filter(pk=item.pk).update(position=theirs)
        audit_event_record(
            action="board.case_moved",
            actor=organiser,
            request=request,
            object_type="meeting",
            object_id=item.meeting_id,
            patient_id=item.assessment.patient_id,
            payload={"assessment_id": str(item.assessment_id), "direction": direction},
        )


def agenda_item_remove(
    *, organiser: AbstractBaseUser, item: AgendaItem, request: HttpRequest | None = None
) -> None:
    """Take a case off the agenda, unless the board already decided it at this meeting."""
    with transaction.atomic():
        _lock_meeting(item.meeting_id)
        if BoardDecision.objects.filter(
            meeting_id=item.meeting_id, assessment_id=item.assessment_id
        ).exists():
            raise BoardConflict(
                "The board recorded a decision on this case at this meeting, so it stays on "
                "the agenda."
            )
        AgendaItem.objects.filter(pk=item.pk).delete()
        audit_event_record(
            action="board.case_removed",
            actor=organiser,
            request=request,
            object_type="meeting",
            object_id=item.meeting_id,
            patient_id=item.assessment.patient_id,
            payload={"assessment_id": str(item.assessment_id)},
        )


# --- Attendance --------------------------------------------------------------------------


def _attendance_audit(
    meeting: Meeting,
    *,
    organiser: AbstractBaseUser,
    request: HttpRequest | None,
    change: str,
) -> None:
    audit_event_record(
        action="board.attendance_recorded",
        actor=organiser,
        request=request,
        object_type="meeting",
        object_id=meeting.pk,
        payload={
            "change": change,
            "member_ids": sorted(meeting.members_present.values_list("pk", flat=True)),
            "guests": meeting.guests.count(),
        },
    )


def attendance_record(
    *,
    organiser: AbstractBaseUser,
    meeting: Meeting,
    members_present: Iterable[AbstractBaseUser],
    request: HttpRequest | None = None,
) -> None:
    """Set who of the app's users attended (replacing the earlier list)."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        meeting.members_present.set(list(members_present))
        _attendance_audit(meeting, organiser=organiser, request=request, change="members")


def guest_add(
    *,
    organiser: AbstractBaseUser,
    meeting: Meeting,
    name: str,
    specialty: str,
    request: HttpRequest | None = None,
) -> Guest:
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        guest = Guest.objects.create(
            meeting=meeting,
            name=name.strip(),
            specialty=specialty.strip(),
            added_by=organiser,
            added_at=timezone.now(),
        )
        _attendance_audit(meeting, organiser=organiser, request=request, change="guest_added")
    return guest


def guest_remove(
    *, organiser: AbstractBaseUser, guest: Guest, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        meeting = _lock_meeting(guest.meeting_id)
        guest.delete()
        _attendance_audit(meeting, organiser=organiser, request=request, change="guest_removed")


# --- Export ------------------------------------------------------------------------------


def decisions_export(
    *,
    exporter: AbstractBaseUser,
    recorded_from: date | None,
    recorded_to: date | None,
    stream: TextIO,
    request: HttpRequest | None = None,
) -> int:
    """Write the decisions recorded in the range as CSV to ``stream`` and audit the export
    (its range and size; never names). Returns the number of decisions written."""
    with transaction.atomic():
        decisions = selectors.decisions_for_export(
            recorded_from=recorded_from, recorded_to=recorded_to
        )
        # A byte-order mark lets spreadsheet programs read the file as UTF-8.
        stream.write("\ufeff")
        count = export.decisions_csv_write(decisions, stream)
        audit_event_record(
            action="board.decisions_exported",
            actor=exporter,
            request=request,
            object_type="board_decision",
            payload={
                "date_from": recorded_from.isoformat() if recorded_from else None,
                "date_to": recorded_to.isoformat() if recorded_to else None,
                "decisions": count,
            },
        )
    return count
