"""Answers to requests the app cannot serve as asked: a body that cannot be read (400), a
form without a valid CSRF token (403), and a failure on the server's side (500, or 503
while the database cannot be reached). None reads the request's body; the 400, 500 and
503 pages need no database."""

from __future__ import annotations

import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from decision.core.outage import database_outage_response, is_database_outage
from decision.core.requests import wants_json

logger = logging.getLogger(__name__)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 page: what was sent could not be read. It never reads the request's body
    (the body is what could not be read) and needs no database."""
    if wants_json(request):
        return JsonResponse(
            {"error": "bad_request", "detail": "The request could not be read."}, status=400
        )
    template = loader.get_template("400.html")
    context = {"request_id": getattr(request, "request_id", None)}
    return HttpResponse(template.render(context), status=400)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (Django's ``CSRF_FAILURE_VIEW``)."""
    logger.warning("CSRF refused: %s", reason)
    if wants_json(request):
        return JsonResponse(
            {"error": "csrf_failed", "detail": "The CSRF token is missing or invalid."},
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: a reference id the user can quote, never a traceback. A failure to
    reach the database (Django calls this while handling the exception) is the 503
    outage page instead."""
    exception = sys.exc_info()[1]
    if is_database_outage(exception):
        return database_outage_response(request, exception)
    if wants_json(request):
        return JsonResponse(
            {"error": "server_error", "request_id": getattr(request, "request_id", None)},
            status=500,
        )
    template = loader.get_template("500.html")
    context = {"request_id": getattr(request, "request_id", None)}
    return HttpResponse(template.render(context), status=500)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 for addresses that match no page: JSON on API paths, the app's page else."""
    if wants_json(request):
        return JsonResponse({"errors": {"__all__": ["Not found."]}}, status=404)
    return render(request, "404.html", status=404)
