from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decision import rules
from decision.audit.services import audit_view_record
from decision.board import access, export, presenters, selectors, services
from decision.board.forms import (
    AgendaAddForm,
    AttendanceForm,
    DateRangeForm,
    DecisionForm,
    GuestForm,
    MeetingForm,
    QueueFilterForm,
)
from decision.board.models import AgendaItem, BoardDecision, Meeting
from decision.clinic import presenters as clinic_presenters
from decision.clinic import selectors as clinic_selectors
from decision.clinic.models import Assessment
from decision.core import roles

CASES_PER_PAGE = 25
MEETINGS_PER_PAGE = 25


# --- Queue -------------------------------------------------------------------------------


@require_GET
def board_queue(request: HttpRequest) -> HttpResponse:
    """Cases awaiting a decision, filtered by codes, dates and surgeon from the query string."""
    access.require_board_reader(request)
    filters = QueueFilterForm(request.GET)
    cases = selectors.board_queue(**filters.filters())
    counts = selectors.queue_counts(cases)
    paginator = Paginator(selectors.queue_with_details(cases), CASES_PER_PAGE)
    # The counts by recommendation add up to the total: no second pass over the queue.
    paginator.count = sum(count["cases"] for count in counts)
    page = paginator.get_page(request.GET.get("page"))
    add_form = None
    if roles.can_record_board_decision(request.user):
        add_form = AgendaAddForm(initial={"meeting": request.GET.get("meeting")})
    audit_view_record(
        request=request,
        action="board.queue_viewed",
        object_type="assessment",
        object_id="",
        payload={"page": page.number, "shown": len(page), "total": paginator.count},
    )
    context = {
        "filters": filters,
        "page": page,
        "rows": presenters.queue_rows(page),
        "counts": presenters.queue_count_rows(counts),
        "add_form": add_form,
        "return_query": request.GET.urlencode(),
    }
    return render(request, "board/queue.html", context)


@require_POST
def agenda_add(request: HttpRequest) -> HttpResponse:
    """Put the cases ticked in the queue on a meeting's agenda."""
    access.require_board_member(request)
    form = AgendaAddForm(request.POST)
    if form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            added = services.agenda_cases_add(
                organiser=request.user,
                meeting=meeting,
                assessments=form.cleaned_data["assessments"],
                request=request,
            )
        except services.BoardConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, f"{added} case{'s' * (added != 1)} added to the agenda.")
            return redirect("board_meeting", meeting_id=meeting.pk)
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    query = QueryDict(request.POST.get("return_query", "")).urlencode()
    return redirect(f"{reverse('board_queue')}?{query}" if query else reverse("board_queue"))


# --- Cases -------------------------------------------------------------------------------


def _case_context(
    request: HttpRequest, assessment: Assessment, *, agenda: list[AgendaItem], view: str
) -> dict:
    """Everything the case page and its print view show; the view is audited."""
    audit_view_record(
        request=request,
        action="board.case_viewed",
        object_type="assessment",
        object_id=assessment.pk,
        patient_id=assessment.patient_id,
        payload={"view": view},
    )
    return {
        **clinic_presenters.assessment_context(assessment),
        "history": clinic_selectors.patient_assessment_history(assessment.patient),
        "decisions": selectors.patient_decisions(assessment.patient),
        "agenda_items": agenda,
    }


@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """The case: the assessment's full basis, the patient's history, and the decision form."""
    assessment = access.case_for_user(request, assessment_id)
    if request.method == "POST":
        access.require_board_member(request)
    agenda = selectors.case_agenda_items(assessment)
    latest = selectors.latest_decision(assessment)
    form = None
    if roles.can_record_board_decision(request.user):
        form = _decision_form(request, agenda, latest)
        if request.method == "POST" and form.is_valid():
            try:
                _record_decision(request, form, assessment)
            except services.BoardConflict as conflict:
                latest = selectors.latest_decision(assessment)
                form = _decision_form(request, agenda, latest, refusal=str(conflict))
            else:
                messages.success(request, "The board's decision is recorded.")
                return redirect("board_case", assessment_id=assessment.pk)
    context = _case_context(request, assessment, agenda=agenda, view="case")
    return render(request, "board/case_detail.html", {**context, "form": form, "latest": latest})


def _decision_form(
    request: HttpRequest,
    agenda: list[AgendaItem],
    latest: BoardDecision | None,
    *,
    refusal: str = "",
) -> DecisionForm:
    """A blank decision form or the posted one. After a refusal the answers are kept, now
    against the latest decision, with the reason for the refusal."""
    meetings = [item.meeting for item in agenda]
    initial = {"idempotency_key": uuid.uuid4(), "amends": latest.pk if latest else None}
    data = request.POST if request.method == "POST" else None
    if refusal:
        data = request.POST.copy()
        data["amends"] = str(latest.pk) if latest else ""
    form = DecisionForm(data, initial=initial, meetings=meetings, latest=latest)
    if refusal:
        form.is_valid()
        form.add_error(None, refusal)
    return form


def _record_decision(
    request: HttpRequest, form: DecisionForm, assessment: Assessment
) -> BoardDecision:
    amends = form.cleaned_data.get("amends")
    return services.board_decision_record(
        recorder=request.user,
        assessment=assessment,
        outcome=form.cleaned_data["outcome"],
        plan=form.cleaned_data["plan"],
        rationale=form.cleaned_data["rationale"],
        meeting=form.cleaned_data.get("meeting"),
        idempotency_key=form.cleaned_data["idempotency_key"],
        supersedes=BoardDecision.objects.filter(pk=amends).first() if amends else None,
        supersede_reason=form.cleaned_data.get("supersede_reason", ""),
        request=request,
    )


@require_GET
def case_print(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment = access.case_for_user(request, assessment_id)
    agenda = selectors.case_agenda_items(assessment)
    context = _case_context(request, assessment, agenda=agenda, view="print")
    context["latest"] = selectors.latest_decision(assessment)
    # The full basis is an appendix, printed only when asked for.
    context["appendix"] = request.GET.get("appendix") == "basis"
    return render(request, "board/case_print.html", context)


# --- Meetings ----------------------------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    access.require_board_reader(request)
    page = Paginator(selectors.meeting_list(), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "board/meeting_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    access.require_board_member(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create(
            organiser=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Meeting created. Add cases to its agenda from the queue.")
        return redirect("board_meeting", meeting_id=meeting.pk)
    return render(request, "board/meeting_form.html", {"form": form})


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    attendance_form: AttendanceForm | None = None,
    guest_form: GuestForm | None = None,
) -> HttpResponse:
    """The meeting page: agenda in order, attendance, and (for the board) its forms."""
    agenda = selectors.meeting_agenda(meeting)
    if roles.can_record_board_decision(request.user):
        attendance_form = attendance_form or AttendanceForm(
            instance=meeting, clinicians=selectors.clinicians()
        )
        guest_form = guest_form or GuestForm()
    audit_view_record(
        request=request,
        action="board.meeting_viewed",
        object_type="meeting",
        object_id=meeting.pk,
        payload={"cases": len(agenda)},
    )
    context = {
        "meeting": meeting,
        "rows": presenters.agenda_rows(agenda),
        "members_present": selectors.meeting_members_present(meeting),
        "guests": selectors.meeting_guests(meeting),
        "attendance_form": attendance_form,
        "guest_form": guest_form,
    }
    return render(request, "board/meeting_detail.html", context)


@require_GET
def meeting_detail(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    return _meeting_page(request, access.meeting_for_user(request, meeting_id))


@require_POST
def agenda_item_move(request: HttpRequest, meeting_id: uuid.UUID, item_id: int) -> HttpResponse:
    meeting = access.meeting_for_user(request, meeting_id)
    item = access.agenda_item_for_user(request, meeting, item_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.agenda_item_move(
            organiser=request.user, item=item, direction=direction, request=request
        )
    return redirect(f"{reverse('board_meeting', args=[meeting.pk])}#agenda-item-{item.pk}")


@require_POST
def agenda_item_remove(request: HttpRequest, meeting_id: uuid.UUID, item_id: int) -> HttpResponse:
    meeting = access.meeting_for_user(request, meeting_id)
    item = access.agenda_item_for_user(request, meeting, item_id)
    try:
        services.agenda_item_remove(organiser=request.user, item=item, request=request)
    except services.BoardConflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, "The case was taken off the agenda; it stays in the queue.")
    return redirect("board_meeting", meeting_id=meeting.pk)


@require_POST
def meeting_attendance(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = access.meeting_for_user(request, meeting_id)
    access.require_board_member(request)
    form = AttendanceForm(request.POST, instance=meeting, clinicians=selectors.clinicians())
    if not form.is_valid():
        return _meeting_page(request, meeting, attendance_form=form)
    services.attendance_record(
        organiser=request.user,
        meeting=meeting,
        members_present=form.cleaned_data["members_present"],
        request=request,
    )
    messages.success(request, "Attendance recorded.")
    return redirect(f"{reverse('board_meeting', args=[meeting.pk])}#attendance")


@require_POST
def meeting_guest_add(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = access.meeting_for_user(request, meeting_id)
    access.require_board_member(request)
    form = GuestForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, guest_form=form)
    services.guest_add(
        organiser=request.user, meeting=meeting, request=request, **form.cleaned_data
    )
    messages.success(request, "Guest added to the attendance.")
    return redirect(f"{reverse('board_meeting', args=[meeting.pk])}#attendance")


@require_POST
def meeting_guest_remove(
    request: HttpRequest, meeting_id: uuid.UUID, guest_id: int
) -> HttpResponse:
    meeting = access.meeting_for_user(request, meeting_id)
    guest = access.guest_for_user(request, meeting, guest_id)
    services.guest_remove(organiser=request.user, guest=guest, request=request)
    messages.success(request, "Guest removed from the attendance.")
    return redirect(f"{reverse('board_meeting', args=[meeting.pk])}#attendance")


@require_GET
def meeting_handout(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The printable agenda: one block per case with its identifiers and decision."""
    meeting = access.meeting_for_user(request, meeting_id)
    agenda = selectors.meeting_agenda(meeting)
    audit_view_record(
        request=request,
        action="board.handout_viewed",
        object_type="meeting",
        object_id=meeting.pk,
        payload={"cases": len(agenda), "assessment_ids": [str(i.assessment_id) for i in agenda]},
    )
    context = {
        "meeting": meeting,
        "rows": presenters.agenda_rows(agenda),
        "intended_use": rules.INTENDED_USE,
    }
    return render(request, "board/handout.html", context)


# --- Reports -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def decisions_export(request: HttpRequest) -> HttpResponse:
    """A form for the date range; posting it downloads the decisions as CSV."""
    access.require_board_member(request)
    form = DateRangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        start, end = form.date_range()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{export.export_filename(start, end)}"'
        )
        services.decisions_export(
            exporter=request.user,
            recorded_from=start,
            recorded_to=end,
            stream=response,
            request=request,
        )
        return response
    return render(request, "board/export.html", {"form": form})


@require_GET
def concordance(request: HttpRequest) -> HttpResponse:
    """How often the board agreed with the recommendation, by recommendation code."""
    access.require_board_reader(request)
    form = DateRangeForm(request.GET)
    form.is_valid()
    start, end = form.date_range()
    counts = selectors.concordance_counts(recorded_from=start, recorded_to=end)
    rows, overall = presenters.concordance_rows(counts)
    audit_view_record(
        request=request,
        action="board.concordance_viewed",
        object_type="board_decision",
        object_id="",
        payload={
            **presenters.range_payload(start, end),
            "decisions": overall.decided + overall.deferred,
        },
    )
    context = {
        "form": form,
        "rows": rows,
        "overall": overall,
        "chart": presenters.concordance_chart(rows, overall) if overall.decided else None,
        "range_text": presenters.range_text(start, end),
    }
    return render(request, "board/concordance.html", context)
