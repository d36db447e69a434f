from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from decision.audit.actions import action_label
from decision.audit.forms import AuditFilterForm
from decision.audit.registry import patient_names_of
from decision.audit.selectors import audit_event_total, audit_events_filtered
from decision.audit.services import audit_view_record
from decision.core import roles

EVENTS_PER_PAGE = 50
# Payload entries that say what was decided for a patient: auditors see who did what and
# when, not the clinical content.
CLINICAL_PAYLOAD_KEYS = frozenset({"recommendation_code", "outcome"})


def _require_auditor(request: HttpRequest) -> None:
    if not roles.can_read_audit(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, for auditors. Reading it is itself audited."""
    _require_auditor(request)
    form = AuditFilterForm(request.POST if request.method == "POST" else request.GET)
    valid = form.is_valid()
    if request.method == "POST" and valid:
        return redirect(f"{reverse('audit_log')}?{urlencode(form.query())}")
    filters = form.cleaned_data if valid and request.method == "GET" else {}
    events = audit_events_filtered(
        username=filters["user"].username if filters.get("user") else "",
        action=filters.get("action", ""),
        patient_id=filters.get("patient"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    paginator = Paginator(events, EVENTS_PER_PAGE)
    active = [name for name, value in filters.items() if value]
    if not active:
        # The whole log's size is its last event's number: one index look-up, where
        # counting would read every event.
        paginator.count = audit_event_total()
    page = paginator.get_page(request.GET.get("page"))
    audit_view_record(
        request=request,
        action="audit.log_viewed",
        object_type="audit_log",
        object_id="",
        payload={"filters": sorted(active), "page": page.number},
    )
    names = patient_names_of(event.patient_id for event in page.object_list if event.patient_id)
    rows = [
        {
            "event": event,
            "label": action_label(event.action),
            "patient": names.get(event.patient_id, event.patient_id or ""),
            "details": {k: v for k, v in event.payload.items() if k not in CLINICAL_PAYLOAD_KEYS},
        }
        for event in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "active_filters": [(form[name].label, _filter_text(form, name)) for name in active],
    }
    return render(request, "audit/audit_log.html", context)


def _filter_text(form: AuditFilterForm, name: str) -> str:
    value = form.cleaned_data[name]
    if name == "patient":
        return patient_names_of([value]).get(value, str(value))
    if name == "action":
        return action_label(value)
    return getattr(value, "username", str(value))
