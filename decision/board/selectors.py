"""Reads for the tumor board, each with the joins its page needs (fixed query counts)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet

from decision.audit.selectors import latest_sequences
from decision.board.models import AgendaItem, BoardDecision, Guest, Meeting, Outcome
from decision.clinic.models import Assessment, CurrentAssessment, Patient
from decision.core import roles
from decision.core.days import day_start
from decision.core.sql import column_reader


def board_queue(
    *,
    recommendation_code: str = "",
    risk_group: str = "",
    intent: str = "",
    encounter_from: date | None = None,
    encounter_to: date | None = None,
    surgeon_id: int | None = None,
) -> QuerySet[CurrentAssessment]:
    """Cases awaiting a board decision: each patient's latest assessment while no decision
    has been recorded on it (an assessment that was corrected, or that a later encounter
    has replaced, is not a case). Dates filter the encounter date."""
    cases = CurrentAssessment.objects.filter(awaiting_board_decision=True)
    if recommendation_code:
        cases = cases.filter(recommendation_code=recommendation_code)
    if risk_group:
        cases = cases.filter(risk_group=risk_group)
    if intent:
        cases = cases.filter(intent=intent)
    if encounter_from:
        cases = cases.filter(
            encounter_date__gte=encounter_from, created_at__gte=_recorded_from(encounter_from)
        )
    if encounter_to:
        cases = cases.filter(encounter_date__lte=encounter_to)
    if surgeon_id is not None:
        cases = cases.filter(created_by_id=surgeon_id)
    return cases


# How much earlier than its encounter day an assessment can appear to be recorded when the
# server's time zone has since been moved west: at most the 26 hours between the zones
# furthest apart.
_TIME_ZONE_GRACE = timedelta(days=2)


def _recorded_from(encounter_from: date) -> datetime:
    """A moment before which no assessment of an encounter on or after ``encounter_from``
    was recorded, since an encounter is recorded on its day or later
    (``assessment_create`` refuses a future one).

    The queue is read in the order of recording, and recording follows the encounter
    closely; without this bound, a filter on recent encounters would read every older
    case of the queue before reaching the first one to show.
    """
    return day_start(encounter_from) - _TIME_ZONE_GRACE


# A page of the queue, read on every visit: spelt out rather than built by the ORM each
# time, and read as plain values, since building model instances would cost more than the
# query. The page's cases are chosen first (the sub-select, the filters and order built by
# the ORM), and only those are joined with their assessment, patient and surgeon:
# PostgreSQL's estimate of how many cases a combination of filters matches can be far too
# low (encounter and recording dates go together, which it does not know), and joining
# every matching case before choosing the page would then cost as many look-ups as there
# are matches instead of 25.
QUEUE_ROW_KEYS = (
    "assessment_id",
    "created_at",
    "encounter_date",
    "recommendation_code",
    "risk_group",
    "intent",
    "score_min",
    "score_max",
    "family_name",
    "given_name",
    "mrn",
    "surgeon_username",
    "surgeon_first_name",
    "surgeon_last_name",
)
_QUEUE_PAGE_SQL = (
    "SELECT c.assessment_id, c.created_at, c.encounter_date, c.recommendation_code, "
    "c.risk_group, c.intent, a.score_min, a.score_max, p.family_name, p.given_name, p.mrn, "
    "u.username, u.first_name, u.last_name "
    "FROM clinic_currentassessment c "
    "JOIN clinic_assessment a ON a.id = c.assessment_id "
    "JOIN clinic_patient p ON p.id = c.patient_id "
    "JOIN auth_user u ON u.id = c.created_by_id "
    "WHERE c.patient_id IN ({}) ORDER BY c.created_at, c.patient_id"
)
_QUEUE_ORDER = ("created_at", "patient_id")


class QueuePageRows:
    """The queue, oldest recorded first, read a page (a slice) at a time as dictionaries
    with the keys ``QUEUE_ROW_KEYS``."""

    def __init__(self, cases: QuerySet[CurrentAssessment]) -> None:
        self._cases = cases.order_by(*_QUEUE_ORDER)

    def cases_of(self, window: slice) -> QuerySet:
        """The ids of the cases of a page, in order: the query that chooses the page."""
        return self._cases.values("pk")[window]

    def __getitem__(self, window: slice) -> list[dict[str, object]]:
        if not isinstance(window, slice):
            raise TypeError("A page of the queue is a slice.")
        try:
            chosen, params = self.cases_of(window).query.sql_with_params()
        except EmptyResultSet:  # an empty page, or filters that no case can match
            return []
        read = {
            name: column_reader(CurrentAssessment._meta.get_field(name))
            for name in ("assessment_id", "created_at", "encounter_date")
        }
        with connection.cursor() as cursor:
            cursor.execute(_QUEUE_PAGE_SQL.format(chosen), params)
            rows = [dict(zip(QUEUE_ROW_KEYS, values, strict=True)) for values in cursor]
        for row in rows:
            for name, reader in read.items():
                row[name] = reader(row[name])
        return rows


def queue_page_rows(cases: QuerySet[CurrentAssessment]) -> QueuePageRows:
    """The rows of ``cases`` for a paginator (told their number by the counts)."""
    return QueuePageRows(cases)


# Read for every queue page, so spelt out rather than built by the ORM each time.
_QUEUE_AGENDAS_SQL = (
    "SELECT i.assessment_id, i.meeting_id, m.meeting_date FROM board_agendaitem i "
    "JOIN board_meeting m ON m.id = i.meeting_id WHERE i.assessment_id IN ({}) "
    "ORDER BY m.meeting_date, i.meeting_id"
)


def queue_agendas(assessment_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple[uuid.UUID, date]]]:
    """The meetings (id, date) whose agenda holds each case, earliest first."""
    if not assessment_ids:
        return {}
    assessment_field = AgendaItem._meta.get_field("assessment")
    read_assessment = column_reader(assessment_field)
    read_meeting = column_reader(AgendaItem._meta.get_field("meeting"))
    read_day = column_reader(Meeting._meta.get_field("meeting_date"))
    agendas: dict[uuid.UUID, list[tuple[uuid.UUID, date]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _QUEUE_AGENDAS_SQL.format(", ".join(["%s"] * len(assessment_ids))),
            [assessment_field.get_db_prep_value(pk, connection) for pk in assessment_ids],
        )
        for assessment_id, meeting_id, meeting_date in cursor.fetchall():
            agendas.setdefault(read_assessment(assessment_id), []).append(
                (read_meeting(meeting_id), read_day(meeting_date))
            )
    return agendas


# The writes that change the queue. Each appends its audit event in its own transaction,
# and the audit chain is appended in commit order, so the last such event identifies the
# state of the queue.
QUEUE_CHANGES = ("assessment.created", "board.decision_recorded")
_COUNTS_SECONDS = 600


def queue_version() -> str:
    """Changes whenever a case enters or leaves the queue: the sequence numbers of the
    latest audit event of each kind in ``QUEUE_CHANGES`` (one query, an index look-up
    each)."""
    sequences = latest_sequences(QUEUE_CHANGES)
    return ":".join("-" if value is None else str(value) for value in sequences)


def queue_counts(cases: QuerySet[CurrentAssessment]) -> list[dict[str, object]]:
    """Number of cases per recommendation code, in code order.

    Counting a long queue reads all of it, so the counts are kept in the cache until the
    queue changes (``queue_version``); a page of the queue itself is always read afresh.
    """
    query = str(cases.query)
    key = "board-queue-counts:" + hashlib.sha256(f"{queue_version()}|{query}".encode()).hexdigest()
    counts = cache.get(key)
    if counts is None:
        counts = list(
            cases.order_by()
            .values("recommendation_code")
            .annotate(cases=Count("pk"))
            .order_by("recommendation_code")
        )
        cache.set(key, counts, _COUNTS_SECONDS)
    return counts


def clinicians() -> QuerySet:
    """Active surgeons and tumor-board members (who may attend a meeting)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=(roles.SURGEON, roles.TUMOR_BOARD))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# Read on every queue page (the surgeon filter), so spelt out rather than built by the ORM
# each time.
_SURGEON_CHOICES_SQL = (
    "SELECT u.id, u.first_name, u.last_name, u.username FROM auth_user u "
    "JOIN auth_user_groups ug ON ug.user_id = u.id "
    "JOIN auth_group g ON g.id = ug.group_id "
    "WHERE g.name = %s AND u.is_active "
    "ORDER BY u.last_name, u.first_name, u.username"
)


def surgeon_choices() -> list[tuple[int, str]]:
    """Active surgeons as (user id, full name, or user name if none), by name."""
    with connection.cursor() as cursor:
        cursor.execute(_SURGEON_CHOICES_SQL, [roles.SURGEON])
        rows = cursor.fetchall()
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in rows]


def meetings_open_for_cases(*, today: date) -> QuerySet[Meeting]:
    """Meetings that cases can still be put on: today's and later ones, soonest first."""
    return Meeting.objects.filter(meeting_date__gte=today).order_by("meeting_date", "created_at")


# Read for every queue page (the meeting to add cases to), so spelt out rather than built
# by the ORM each time; the same meetings as ``meetings_open_for_cases``.
_OPEN_MEETING_CHOICES_SQL = (
    "SELECT id, meeting_date, title FROM board_meeting WHERE meeting_date >= %s "
    "ORDER BY meeting_date, created_at"
)


def open_meeting_choices(*, today: date) -> list[tuple[str, str]]:
    """The meetings open for cases as (id, "date · title"), soonest first."""
    day_field = Meeting._meta.get_field("meeting_date")
    read_id, read_day = column_reader(Meeting._meta.pk), column_reader(day_field)
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_MEETING_CHOICES_SQL, [day_field.get_db_prep_value(today, connection)])
        rows = cursor.fetchall()
    return [(str(read_id(pk)), f"{read_day(day):%Y-%m-%d} · {title}") for pk, day, title in rows]


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
    """Per recommendation code: latest decisions recorded in the range, and how many agreed,
    chose an alternative plan or deferred."""
    decisions = _recorded_between(BoardDecision.objects.latest_only(), recorded_from, recorded_to)
    return list(
        decisions.order_by()
        .values(recommendation_code=F("assessment__recommendation_code"))
        .annotate(
            decisions=Count("id"),
            agreed=Count("id", filter=Q(outcome=Outcome.AGREE)),
            alternative=Count("id", filter=Q(outcome=Outcome.ALTERNATIVE)),
            deferred=Count("id", filter=Q(outcome=Outcome.DEFER)),
        )
        .order_by("recommendation_code")
    )
