"""Answers to requests the app cannot serve as asked: a body that cannot be read (400) and
a form without a valid CSRF token (403). Neither reads the request's body."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)


# Machine endpoints: the JSON API and the CDS Hooks service answer errors in JSON too.
_JSON_PATHS = ("/api/", "/cds-services")


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(_JSON_PATHS)


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
