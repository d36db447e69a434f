"""The JSON API, version 1 (docs/api.md). Each view checks access with the web's own
helpers, calls the web's own services and selectors, and records the web's audit events.
DRF authenticates (a token or a session) in place of the login-required middleware."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from decision import rules
from decision.api import schemas
from decision.api.serializers import (
    AssessmentSerializer,
    PatientCreateSerializer,
    PatientSerializer,
)
from decision.audit.services import atomic_audit_event_record, audit_view_record
from decision.clinic import access, selectors, services
from decision.clinic.forms import PatientForm
from decision.clinic.models import Assessment
from decision.fhir import bundle as fhir
from decision.rules.findings import IsDate
from decision.rules.jsonio import ALL

IDEMPOTENCY_HEADER = "Idempotency-Key"
VIA_API = {"via": "api"}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This request conflicts with what is stored."
    default_code = "conflict"


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    meaning = {
        400: "The request is invalid; every offending field is named.",
        401: "No valid token or session.",
        403: "Your role does not allow this.",
        404: "Not found, or not visible to your role.",
        409: "The idempotency key was used for another request.",
        429: "Too many requests; see Retry-After.",
    }
    return {code: OpenApiResponse(schemas.ERRORS, description=meaning[code]) for code in codes}


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError({ALL: ["Expected one JSON object."]})
    return data


def _as_of(request: Request) -> date:
    text = request.query_params.get("as_of")
    if text is None:
        return timezone.localdate()
    parsed, message = IsDate().clean(text)
    if message is not None:
        raise ValidationError({"as_of": [message]})
    return parsed


@extend_schema(
    operation_id="evaluate",
    summary="Evaluate findings; nothing is stored",
    request={"application/json": schemas.FINDINGS},
    parameters=[
        OpenApiParameter(
            "as_of",
            OpenApiTypes.DATE,
            description="The evaluation date (default: today); findings dates may not be after it.",
        )
    ],
    responses={200: OpenApiResponse(schemas.RESULT), **_errors(400, 401, 404, 429)},
)
@api_view(["POST"])
def evaluate(request: Request) -> HttpResponse:
    """The evaluator's contract over HTTP: the same validation, the same result, the same
    bytes as ``manage.py evaluate``; 400 instead of exit status 1."""
    access.require_clinical_reader(request)
    as_of = _as_of(request)
    try:
        result = rules.evaluate_json_bytes(request.body, as_of=as_of)
    except rules.FindingsInvalid as invalid:
        raise ValidationError(invalid.errors) from None
    atomic_audit_event_record(
        action="api.evaluated", actor=request.user, request=request, payload=VIA_API
    )
    return HttpResponse(rules.render_json(result), content_type="application/json")


@extend_schema(
    methods=["GET"],
    operation_id="patients_lookup",
    summary="Look a patient up by MRN",
    parameters=[
        OpenApiParameter(
            "mrn", OpenApiTypes.STR, required=True, pattern=r"\S", description="The MRN (any case)."
        )
    ],
    responses={200: PatientSerializer(many=True), **_errors(400, 401, 404, 429)},
)
@extend_schema(
    methods=["POST"],
    operation_id="patients_create",
    summary="Register a patient",
    request=PatientCreateSerializer,
    responses={201: PatientSerializer, **_errors(400, 401, 403, 404, 429)},
)
@api_view(["GET", "POST"])
def patients(request: Request) -> Response:
    if request.method == "POST":
        return _patient_create(request)
    access.require_clinical_reader(request)
    mrn = _mrn_to_look_up(request)
    patient = selectors.patient_with_mrn(mrn)
    found = [patient] if patient is not None else []
    audit_view_record(
        request=request,
        action="patient.list_viewed",
        object_type="patient",
        object_id="",
        payload={**VIA_API, "searched": True, "shown": len(found)},
    )
    return Response(PatientSerializer(found, many=True, context={"request": request}).data)


def _mrn_to_look_up(request: Request) -> str:
    """The MRN asked for, checked as the patient form checks one (length, no NUL)."""
    field = PatientForm.base_fields["mrn"]
    try:
        return field.clean(request.query_params.get("mrn", "")).strip()
    except DjangoValidationError as error:
        raise ValidationError({"mrn": error.messages}) from None


def _patient_create(request: Request) -> Response:
    access.require_clinical_writer(request)
    data = _object(request.data)
    fields = PatientCreateSerializer().fields
    errors = {
        name: ["Not a known field; check the spelling."] for name in data if name not in fields
    }
    errors |= {
        name: ["Must be a string."]
        for name, value in data.items()
        if name in fields and not isinstance(value, str)
    }
    if errors:
        raise ValidationError(errors)
    form = PatientForm(data=data)
    if not form.is_valid():
        raise ValidationError(_form_errors(form))
    try:
        patient = services.patient_create(author=request.user, request=request, **form.cleaned_data)
    except IntegrityError:
        raise ValidationError({"mrn": ["A patient with this MRN is already registered."]}) from None
    body = PatientSerializer(patient, context={"request": request}).data
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


def _form_errors(form) -> dict[str, list[str]]:
    return {
        (ALL if name == "__all__" else name): [error["message"] for error in problems]
        for name, problems in form.errors.get_json_data().items()
    }


@extend_schema(
    operation_id="patient_read",
    summary="One patient",
    responses={200: PatientSerializer, **_errors(401, 404, 429)},
)
@api_view(["GET"])
def patient_detail(request: Request, patient_id: uuid.UUID) -> Response:
    patient = access.patient_for_user(request, patient_id)
    _patient_viewed(request, patient.pk)
    return Response(PatientSerializer(patient, context={"request": request}).data)


def _patient_viewed(request: Request, patient_id: uuid.UUID) -> None:
    audit_view_record(
        request=request,
        action="patient.viewed",
        object_type="patient",
        object_id=patient_id,
        patient_id=patient_id,
        payload=VIA_API,
    )


@extend_schema(
    methods=["GET"],
    operation_id="patient_assessments_list",
    summary="The patient's assessments, newest first, each as stored",
    responses={200: AssessmentSerializer(many=True), **_errors(401, 404, 429)},
)
@extend_schema(
    methods=["POST"],
    operation_id="patient_assessments_create",
    summary="Record an assessment (idempotent with an Idempotency-Key header)",
    request={"application/json": schemas.ASSESSMENT_REQUEST},
    parameters=[
        OpenApiParameter(
            IDEMPOTENCY_HEADER,
            OpenApiTypes.UUID,
            OpenApiParameter.HEADER,
            required=True,
            description=(
                "A UUID made by the caller for this assessment. Sending it again with the same "
                "body returns the same assessment; with another body, 409."
            ),
        )
    ],
    responses={
        201: AssessmentSerializer,
        200: OpenApiResponse(AssessmentSerializer, description="Already recorded with this key."),
        **_errors(400, 401, 403, 404, 409, 429),
    },
)
@api_view(["GET", "POST"])
def patient_assessments(request: Request, patient_id: uuid.UUID) -> Response:
    if request.method == "POST":
        return _assessment_create(request, patient_id)
    patient = access.patient_for_user(request, patient_id)
    _patient_viewed(request, patient.pk)
    assessments = selectors.patient_assessments_as_stored(patient)
    context = {"request": request}
    return Response(AssessmentSerializer(assessments, many=True, context=context).data)


def _idempotency_key(request: Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.headers.get(IDEMPOTENCY_HEADER, ""))
    except ValueError:
        raise ValidationError(
            {IDEMPOTENCY_HEADER: ["Send a UUID you made for this assessment in this header."]}
        ) from None


def _assessment_request(request: Request) -> tuple[date, dict[str, Any]]:
    data = _object(request.data)
    errors = {
        name: ["Not a known field; check the spelling."]
        for name in data
        if name not in ("encounter_date", "findings")
    }
    encounter_date, message = IsDate().clean(data.get("encounter_date"))
    if message is not None:
        errors["encounter_date"] = [message]
    elif encounter_date > timezone.localdate():
        errors["encounter_date"] = ["The encounter date cannot be in the future."]
    findings = data.get("findings")
    if not isinstance(findings, dict):
        errors["findings"] = ["Expected one JSON object of findings."]
    if errors:
        raise ValidationError(errors)
    return encounter_date, findings


def _assessment_create(request: Request, patient_id: uuid.UUID) -> Response:
    access.require_clinical_writer(request)
    patient = access.patient_for_user(request, patient_id)
    key = _idempotency_key(request)
    encounter_date, findings = _assessment_request(request)
    replay = Assessment.objects.filter(idempotency_key=key).exists()
    try:
        assessment = services.assessment_create(
            author=request.user,
            patient=patient,
            encounter_date=encounter_date,
            findings=findings,
            idempotency_key=key,
            request=request,
        )
    except rules.FindingsInvalid as invalid:
        raise ValidationError(invalid.errors) from None
    except services.AssessmentConflict as conflict:
        raise Conflict(str(conflict)) from None
    if assessment.findings != findings or assessment.encounter_date != encounter_date:
        raise Conflict(
            "This Idempotency-Key was already used for an assessment with other findings."
        )
    assessment = selectors.assessment_get(assessment.pk)
    body = AssessmentSerializer(assessment, context={"request": request}).data
    created = status.HTTP_200_OK if replay else status.HTTP_201_CREATED
    return Response(body, status=created, headers={"Location": body["url"]})


@extend_schema(
    operation_id="assessment_read",
    summary="One assessment as computed then, with its supersession links and the board's decision",
    responses={200: AssessmentSerializer, **_errors(401, 404, 429)},
)
@api_view(["GET"])
def assessment_detail(request: Request, assessment_id: uuid.UUID) -> Response:
    assessment = access.assessment_for_user(request, assessment_id)
    audit_view_record(
        request=request,
        action="assessment.viewed",
        object_type="assessment",
        object_id=assessment.pk,
        patient_id=assessment.patient_id,
        payload=VIA_API,
    )
    return Response(AssessmentSerializer(assessment, context={"request": request}).data)


FHIR_JSON = "application/fhir+json"
_BUNDLE = {(200, FHIR_JSON): OpenApiResponse(OpenApiTypes.OBJECT, description="An R4 Bundle.")}


def _fhir_response(
    request: Request, bundle: dict, *, patient_id: uuid.UUID, object_type: str, object_id: uuid.UUID
) -> HttpResponse:
    audit_view_record(
        request=request,
        action="fhir.exported",
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        payload=VIA_API,
    )
    return HttpResponse(json.dumps(bundle, ensure_ascii=False), content_type=FHIR_JSON)


@extend_schema(
    operation_id="assessment_fhir",
    summary="One assessment as a FHIR R4 Bundle (collection)",
    responses={**_BUNDLE, **_errors(401, 404, 429)},
)
@api_view(["GET"])
def assessment_fhir(request: Request, assessment_id: uuid.UUID) -> HttpResponse:
    assessment = access.assessment_for_user(request, assessment_id)
    bundle = fhir.assessment_bundle(
        assessment,
        board_decision=assessment.latest_board_decision,
        base_url=request.build_absolute_uri("/"),
    )
    return _fhir_response(
        request,
        bundle,
        patient_id=assessment.patient_id,
        object_type="assessment",
        object_id=assessment.pk,
    )


@extend_schema(
    operation_id="patient_fhir",
    summary="Every assessment of the patient, newest first, as one FHIR R4 Bundle (collection)",
    responses={**_BUNDLE, **_errors(401, 404, 429)},
)
@api_view(["GET"])
def patient_fhir(request: Request, patient_id: uuid.UUID) -> HttpResponse:
    patient = access.patient_for_user(request, patient_id)
    assessments = selectors.patient_assessments_as_stored(patient)
    bundle = fhir.patient_bundle(
        patient,
        [(assessment, assessment.latest_board_decision) for assessment in assessments],
        base_url=request.build_absolute_uri("/"),
    )
    return _fhir_response(
        request, bundle, patient_id=patient.pk, object_type="patient", object_id=patient.pk
    )
