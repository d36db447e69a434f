"""The CDS Hooks endpoints: discovery, the patient-view service and its feedback.

Machine endpoints: no session, no login page, no CSRF token; each call proves itself with
its own signed JWT (``trust``). Every answer is JSON, errors included.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from decision.cds import cards, payloads, selectors, services, trust
from decision.cds.models import CdsClient

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def _problem(status: int, code: str, detail: str) -> JsonResponse:
    """An error as a FHIR OperationOutcome, which the specification suggests for
    non-2xx answers."""
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": detail}],
    }
    return JsonResponse(outcome, status=status)


def _cors(request: HttpRequest, response: HttpResponse, methods: str) -> HttpResponse:
    """Let a browser read the answer only from an origin registered for the client that
    called (or, before a client is known, for any active client)."""
    origin = request.headers.get("Origin")
    if origin:
        client: CdsClient | None = getattr(request, "cds_client", None)
        allowed = client.origins if client else selectors.registered_origins()
        if origin in allowed:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = methods
            response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response["Access-Control-Max-Age"] = "600"
        patch_vary_headers(response, ["Origin"])
    return response


def machine_endpoint(method: str) -> Callable[[View], View]:
    """A CDS Hooks endpoint answering ``method`` (and CORS preflights), outside the login
    and CSRF machinery, that turns every refusal into its JSON answer."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest) -> HttpResponse:
            methods = f"{method}, OPTIONS"
            if request.method == "OPTIONS":
                return _cors(request, HttpResponse(status=204), methods)
            if request.method != method:
                response = _problem(405, "not-supported", f"Use {method}.")
                response["Allow"] = methods
                return response
            try:
                response = view(request)
            except trust.TokenRefused as refusal:
                response = _problem(401, "security", refusal.detail)
                response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            except payloads.RequestInvalid as invalid:
                response = _problem(400, "invalid", str(invalid))
            except payloads.PrefetchMissing:
                response = _problem(
                    412,
                    "processing",
                    f'Prefetch "{payloads.PATIENT_PREFETCH}" (the Patient) is required: this '
                    "service does not call the record system's FHIR server.",
                )
            except services.CardUnknown as unknown:
                response = _problem(400, "not-found", str(unknown))
            except RequestDataTooBig:
                response = _problem(413, "too-costly", "The body is too large.")
            except DatabaseError:
                logger.exception("CDS Hooks: database error")
                response = _problem(503, "transient", "The service is unavailable; try again.")
            return _cors(request, response, methods)

        return login_not_required(csrf_exempt(wrapped))

    return decorate


def _base_url(request: HttpRequest) -> str:
    return settings.CDS_HOOKS_BASE_URL or request.build_absolute_uri("/").rstrip("/")


def _url_for(request: HttpRequest) -> services.UrlFor:
    base = _base_url(request)
    return lambda name, **kwargs: base + reverse(name, kwargs=kwargs)


def _json_body(request: HttpRequest) -> dict:
    if request.content_type != "application/json":
        raise payloads.RequestInvalid("Send the body as JSON (Content-Type: application/json).")
    return payloads.json_object(request.body)


def _trusted_client(request: HttpRequest, *, audiences: list[str]) -> CdsClient:
    """The registered client that signed this call's token, or ``TokenRefused`` (recorded
    in the audit log)."""
    now = timezone.now()
    try:
        token = trust.token_verify(trust.bearer_token(request), audiences=audiences, now=now)
        client = services.token_accept(token=token, now=now)
    except trust.TokenRefused as refusal:
        services.token_refusal_record(refusal=refusal, request=request)
        raise
    request.cds_client = client
    return client


@machine_endpoint("GET")
def discovery(request: HttpRequest) -> HttpResponse:
    """The services offered. Open to all: it holds no patient data."""
    return JsonResponse(cards.discovery_document())


@machine_endpoint("POST")
def patient_view(request: HttpRequest) -> HttpResponse:
    url_for = _url_for(request)
    client = _trusted_client(request, audiences=[url_for("cds_service")])
    hook = payloads.patient_view(_json_body(request))
    answer = services.patient_view_answer(
        client=client, hook=hook, url_for=url_for, request=request
    )
    return JsonResponse(answer)


@machine_endpoint("POST")
def feedback(request: HttpRequest) -> HttpResponse:
    url_for = _url_for(request)
    client = _trusted_client(request, audiences=[url_for("cds_feedback"), url_for("cds_service")])
    items = payloads.feedback_list(_json_body(request))
    recorded = services.feedback_record(client=client, feedback=items, request=request)
    return JsonResponse({"recorded": recorded})


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /cds-services: a JSON 404, never the HTML page."""
    return _problem(404, "not-found", "No such CDS service.")
