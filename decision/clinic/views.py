from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from decision import rules
from decision.audit import selectors as audit_selectors
from decision.audit.services import audit_view_record
from decision.clinic import access, presenters, selectors, services
from decision.clinic.forms import (
    AssessmentForm,
    CorrectionForm,
    PatientForm,
    PatientSearchForm,
)
from decision.clinic.models import Assessment, Patient
from decision.core import roles
from decision.core.middleware import PREVIOUS_LOGIN_KEY

SEARCH_SESSION_KEY = "patient_search"
PATIENTS_PER_PAGE = 25
# Administrators see the login lockouts of this last stretch on their dashboard.
LOCKOUTS_SHOWN_FOR = timedelta(days=7)


def dashboard(request: HttpRequest) -> HttpResponse:
    context = {}
    if roles.can_read_clinical(request.user):
        previous_login = request.session.get(PREVIOUS_LOGIN_KEY)
        since = datetime.fromisoformat(previous_login) if previous_login else None
        context = {
            "recent_assessments": selectors.assessments_recent(author=request.user, limit=10),
            "decided_since": selectors.assessments_decided_since(
                author=request.user, since=since, limit=20
            ),
            "since": since,
        }
    if request.user.is_staff:
        since = timezone.now() - LOCKOUTS_SHOWN_FOR
        context["lockouts"] = audit_selectors.lockouts_recent(since=since)
        context["lockouts_since"] = since
    return render(request, "clinic/dashboard.html", context)


@require_http_methods(["GET", "POST"])
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients, searchable by MRN or name. The search is posted and kept in the session,
    so no patient data ever appears in a URL."""
    access.require_clinical_reader(request)
    if request.method == "POST":
        form = PatientSearchForm(request.POST)
        query = form.cleaned_data["query"] if form.is_valid() else ""
        request.session[SEARCH_SESSION_KEY] = query.strip()
        return redirect("patient_list")
    query = request.session.get(SEARCH_SESSION_KEY, "")
    patients = selectors.patient_search(query)
    page = Paginator(patients, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    audit_view_record(
        request=request,
        action="patient.list_viewed",
        object_type="patient",
        object_id="",
        payload={"searched": bool(query), "page": page.number, "shown": len(page.object_list)},
    )
    context = {"form": PatientSearchForm(initial={"query": query}), "query": query, "page": page}
    return render(request, "clinic/patient_list.html", context)


@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    access.require_clinical_writer(request)
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_create(
                author=request.user, request=request, **form.cleaned_data
            )
        except IntegrityError:
            form.add_error("mrn", "A patient with this MRN is already registered.")
        else:
            messages.success(request, "Patient registered.")
            return redirect("patient_detail", patient_id=patient.pk)
    return render(request, "clinic/patient_form.html", {"form": form})


def patient_detail(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = access.patient_for_user(request, patient_id)
    history = selectors.patient_assessment_history(patient)
    audit_view_record(
        request=request,
        action="patient.viewed",
        object_type="patient",
        object_id=patient.pk,
        patient_id=patient.pk,
    )
    return render(request, "clinic/patient_detail.html", {"patient": patient, "history": history})


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    access.require_clinical_writer(request)
    patient = access.patient_for_user(request, patient_id)
    initial = {"encounter_date": timezone.localdate(), "idempotency_key": uuid.uuid4()}
    form = AssessmentForm(request.POST or None, initial=initial)
    same_encounter = None
    if request.method == "POST" and form.is_valid():
        same_encounter = _unconfirmed_same_encounter(form, patient)
        saved = None if same_encounter else _save_assessment(request, form, patient=patient)
        if saved is not None:
            return redirect("assessment_detail", assessment_id=saved.pk)
    context = {"form": form, "patient": patient, "same_encounter": same_encounter}
    return render(request, "clinic/assessment_form.html", context)


def _unconfirmed_same_encounter(form: AssessmentForm, patient: Patient) -> Assessment | None:
    """The patient's assessment of the same encounter date, when the surgeon has not yet
    confirmed recording another one (the same form sent twice is not another one)."""
    earlier = selectors.assessment_of_encounter(patient, form.cleaned_data["encounter_date"])
    if earlier is None or form.cleaned_data["confirm_same_encounter"]:
        return None
    return None if earlier.idempotency_key == form.cleaned_data["idempotency_key"] else earlier


@require_http_methods(["GET", "POST"])
def assessment_correct(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    access.require_clinical_writer(request)
    original = access.assessment_for_user(request, assessment_id)
    if hasattr(original, "superseded_by"):
        messages.info(request, "This assessment was already corrected; this is the newer one.")
        return redirect("assessment_detail", assessment_id=original.superseded_by.pk)
    initial = AssessmentForm.initial_from_findings(
        original.findings, encounter_date=original.encounter_date, idempotency_key=uuid.uuid4()
    )
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save_assessment(request, form, patient=original.patient, supersedes=original)
        if saved is not None:
            return redirect("assessment_detail", assessment_id=saved.pk)
    context = {
        "form": form,
        "patient": original.patient,
        "original": original,
        "board_decision": original.latest_board_decision,
    }
    return render(request, "clinic/assessment_form.html", context)


def _save_assessment(
    request: HttpRequest,
    form: AssessmentForm,
    *,
    patient: Patient,
    supersedes: Assessment | None = None,
) -> Assessment | None:
    """Run the assessment service for a valid form; on refusal put the reason on the form."""
    try:
        return services.assessment_create(
            author=request.user,
            patient=patient,
            encounter_date=form.cleaned_data["encounter_date"],
            findings=form.findings,
            idempotency_key=form.cleaned_data["idempotency_key"],
            supersedes=supersedes,
            supersede_reason=form.cleaned_data.get("supersede_reason", ""),
            request=request,
        )
    except rules.FindingsInvalid as invalid:
        for name, problems in invalid.errors.items():
            form.add_error(name if name in form.fields else None, problems)
    except services.AssessmentConflict as conflict:
        form.add_error(None, str(conflict))
    return None


def assessment_detail(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment = access.assessment_for_user(request, assessment_id)
    audit_view_record(
        request=request,
        action="assessment.viewed",
        object_type="assessment",
        object_id=assessment.pk,
        patient_id=assessment.patient_id,
    )
    context = presenters.assessment_context(assessment)
    return render(request, "clinic/assessment_detail.html", context)
