"""Reads for the tumor board, each with the joins its page needs (fixed query counts)."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Prefetch, Q, QuerySet

from decision.board.models import AgendaItem, BoardDecision, Guest, Meeting, Outcome
from decision.clinic.models import Assessment, CurrentAssessment, Patient
from decision.core import roles


def board_queue(
    *,
    recommendation_code: str = "",
    risk_group: str = "",
    intent: str = "",
    encounter_from: date | None = None,
    encounter_to: date | None = None,
    surgeon: AbstractBaseUser | None = None,
    deferred: bool | None = None,
) -> QuerySet[CurrentAssessment]:
    """Cases awaiting a board decision, the longest waiting first: each patient's latest
    assessment while the board has not decided it, or has deferred it for work-up (an
    assessment that was corrected, or that a later encounter has replaced, is not a
    case). Dates filter the encounter date; ``deferred`` picks the deferred cases (True)
    or those awaiting a first decision (False)."""
    cases = CurrentAssessment.objects.filter(awaiting_board_decision=True)
    if deferred is not None:
        cases = cases.filter(deferred=deferred)
    if recommendation_code:
        cases = cases.filter(recommendation_code=recommendation_code)
    if risk_group:
        cases = cases.filter(risk_group=risk_group)
    if intent:
        cases = cases.filter(intent=intent)
    if encounter_from:
        cases = cases.filter(encounter_date__gte=encounter_from)
    if encounter_to:
        cases = cases.filter(encounter_date__lte=encounter_to)
    if surgeon is not None:
        cases = cases.filter(created_by=surgeon)
    return cases.order_by("created_at", "patient_id")


def queue_with_details(cases: QuerySet[CurrentAssessment]) -> QuerySet[CurrentAssessment]:
    """``cases`` with what a queue row shows: the assessment (without its findings and
    result) with its patient and surgeon, the meetings whose agenda holds it, earliest
    first (``assessment.agenda``), and the board's decisions (a deferral's reason)."""
    agenda = AgendaItem.objects.select_related("meeting").order_by(
        "meeting__meeting_date", "meeting_id"
    )
    return (
        cases.select_related("assessment__patient", "assessment__created_by")
        .defer("assessment__findings", "assessment__result")
        .prefetch_related(
            Prefetch("assessment__agenda_items", queryset=agenda, to_attr="agenda"),
            "assessment__board_decisions",
        )
    )


def queue_counts(cases: QuerySet[CurrentAssessment]) -> list[dict[str, object]]:
    """Number of cases per recommendation code, in code order."""
    return list(
        cases.order_by()
        .values("recommendation_code")
        .annotate(cases=Count("pk"))
        .order_by("recommendation_code")
    )


def clinicians() -> QuerySet:
    """Active surgeons and tumor-board members (who may attend a meeting)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=(roles.SURGEON, roles.TUMOR_BOARD))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def surgeons() -> QuerySet:
    """Active surgeons, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.SURGEON)
        .order_by("last_name", "first_name", "username")
    )


def meetings_open_for_cases(*, today: date) -> QuerySet[Meeting]:
    """Meetings that cases can still be put on: today's and later ones, soonest first."""
    return Meeting.objects.filter(meeting_date__gte=today).order_by("meeting_date", "created_at")


def meeting_list() -> QuerySet[Meeting]:
    """Meetings, latest first, with the number of cases and of cases decided there."""
    return (
        Meeting.objects.select_related("created_by")
        .annotate(
            case_count=Count("agenda_items", distinct=True),
            decision_count=Count(
                "decisions", filter=Q(decisions__superseded_by__isnull=True), distinct=True
            ),
        )
        .order_by("-meeting_date", "-created_at")
    )


def meeting_get(meeting_id: uuid.UUID) -> Meeting:
    return Meeting.objects.select_related("created_by").get(pk=meeting_id)


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's cases in agenda order, each with its patient and its latest decision
    (as ``item.assessment.latest_decisions``, a list of zero or one)."""
    latest = BoardDecision.objects.latest_only().select_related("recorded_by", "meeting")
    return list(
        meeting.agenda_items.select_related(
            "assessment__patient",
            "assessment__created_by",
            "assessment__superseded_by",
        )
        .prefetch_related(
            Prefetch("assessment__board_decisions", queryset=latest, to_attr="latest_decisions")
        )
        .order_by("position")
    )


def meeting_members_present(meeting: Meeting) -> list:
    return list(meeting.members_present.order_by("last_name", "first_name", "username"))


def meeting_guests(meeting: Meeting) -> list[Guest]:
    return list(meeting.guests.order_by("added_at", "id"))


def agenda_item_get(meeting: Meeting, item_id: int) -> AgendaItem:
    return meeting.agenda_items.select_related("assessment").get(pk=item_id)


def guest_get(meeting: Meeting, guest_id: int) -> Guest:
    return meeting.guests.get(pk=guest_id)


def case_agenda_items(assessment: Assessment) -> list[AgendaItem]:
    """The meetings this case is on, earliest first."""
    return list(assessment.agenda_items.select_related("meeting").order_by("meeting__meeting_date"))


def patient_decisions(patient: Patient) -> list[BoardDecision]:
    """Every board decision on any of the patient's assessments, newest first, with what
    each amended and what amended it."""
    return list(
        BoardDecision.objects.filter(assessment__patient=patient)
        .select_related("recorded_by", "meeting", "supersedes", "superseded_by", "assessment")
        .defer("assessment__findings", "assessment__result")
        .order_by("-recorded_at")
    )


def latest_decision(assessment: Assessment) -> BoardDecision | None:
    return (
        BoardDecision.objects.latest_only()
        .filter(assessment=assessment)
        .select_related("recorded_by", "meeting", "supersedes")
        .first()
    )


def _recorded_between(
    decisions: QuerySet[BoardDecision], recorded_from: date | None, recorded_to: date | None
) -> QuerySet[BoardDecision]:
    # ``__date`` compares in the site's time zone, the dates users think in.
    if recorded_from:
        decisions = decisions.filter(recorded_at__date__gte=recorded_from)
    if recorded_to:
        decisions = decisions.filter(recorded_at__date__lte=recorded_to)
    return decisions


def decisions_for_export(
    *, recorded_from: date | None, recorded_to: date | None
) -> QuerySet[BoardDecision]:
    """Every decision recorded in the range (amendments included), oldest first."""
    return _recorded_between(
        BoardDecision.objects.select_related(
            "assessment__patient", "recorded_by", "meeting", "superseded_by"
        ).defer("assessment__findings", "assessment__result"),
        recorded_from,
        recorded_to,
    ).order_by("recorded_at", "id")


def concordance_counts(
    *, recorded_from: date | None, recorded_to: date | None
) -> list[dict[str, object]]:
    """Per recommendation code: of the latest decisions recorded in the range, how many
    agreed, chose an alternative plan or deferred."""
    decisions = _recorded_between(BoardDecision.objects.latest_only(), recorded_from, recorded_to)
    return list(
        decisions.order_by()
        .values(recommendation_code=F("assessment__recommendation_code"))
        .annotate(
            agreed=Count("id", filter=Q(outcome=Outcome.AGREE)),
            alternative=Count("id", filter=Q(outcome=Outcome.ALTERNATIVE)),
            deferred=Count("id", filter=Q(outcome=Outcome.DEFER)),
        )
        .order_by("recommendation_code")
    )
