from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from decision.audit.actions import action_label
from decision.audit.forms import AuditFilterForm
from decision.audit.registry import patient_names_of
from decision.audit.selectors import audit_chain_head, audit_events_filtered
from decision.audit.services import audit_view_record
from decision.core import roles

EVENTS_PER_PAGE = 50


def _require_auditor(request: HttpRequest) -> None:
    if not roles.can_read_audit(request.user):
        raise Http404


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, for auditors: who did what, when, and to which record,
    but no clinical content, and patients by id (administrators also see their names).
    Reading it is itself audited."""
    _require_auditor(request)
    form = AuditFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    active = [name for name, value in filters.items() if value]
    events = audit_events_filtered(
        username=filters["user"].username if filters.get("user") else "",
        action=filters.get("action", ""),
        patient_id=filters.get("patient"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    head = audit_chain_head()
    paginator = Paginator(events, EVENTS_PER_PAGE)
    if not active:
        # The whole log's size is its last event's number: one index look-up, where
        # counting would read every event.
        paginator.count = head.sequence if head else 0
    page = paginator.get_page(request.GET.get("page"))
    audit_view_record(
        request=request,
        action="audit.log_viewed",
        object_type="audit_log",
        object_id="",
        payload={"filters": sorted(active), "page": page.number},
    )
    names = {}
    if request.user.is_superuser:
        names = patient_names_of(e.patient_id for e in page.object_list if e.patient_id)
    rows = [
        (event, action_label(event.action), names.get(event.patient_id, event.patient_id or ""))
        for event in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "head": head,
        "active_filters": [(form[name].label, _filter_text(form, name)) for name in active],
    }
    return render(request, "audit/audit_log.html", context)


def _filter_text(form: AuditFilterForm, name: str) -> str:
    value = form.cleaned_data[name]
    if name == "action":
        return action_label(value)
    return getattr(value, "username", str(value))
