from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from decision.audit.actions import action_label
from decision.audit.forms import AuditFilterForm
from decision.audit.selectors import audit_event_total, audit_events_filtered
from decision.audit.services import audit_view_record
from decision.core import roles

FILTERS_SESSION_KEY = "audit_filters"
EVENTS_PER_PAGE = 50


def _require_auditor(request: HttpRequest) -> None:
    if not roles.can_read_audit(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, for auditors. Reading it is itself audited."""
    _require_auditor(request)
    if request.method == "POST":
        form = AuditFilterForm(request.POST)
        if form.is_valid():
            request.session[FILTERS_SESSION_KEY] = form.session_value()
            return redirect("audit_log")
    else:
        form = AuditFilterForm(initial=request.session.get(FILTERS_SESSION_KEY, {}))
    filters = request.session.get(FILTERS_SESSION_KEY, {})
    events = audit_events_filtered(
        username=filters.get("user", ""),
        action=filters.get("action", ""),
        patient=filters.get("patient", ""),
        date_from=_date_or_none(filters.get("date_from")),
        date_to=_date_or_none(filters.get("date_to")),
    )
    paginator = Paginator(events, EVENTS_PER_PAGE)
    if not any(filters.values()):
        # The whole log's size is its last event's number: one index look-up, where
        # counting would read every event.
        paginator.count = audit_event_total()
    page = paginator.get_page(request.GET.get("page"))
    audit_view_record(
        request=request,
        action="audit.log_viewed",
        object_type="audit_log",
        object_id="",
        payload={"filters": sorted(k for k, v in filters.items() if v), "page": page.number},
    )
    rows = [(event, action_label(event.action)) for event in page.object_list]
    context = {"form": form, "page": page, "rows": rows, "filtered": any(filters.values())}
    return render(request, "audit/audit_log.html", context)


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
