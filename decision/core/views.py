from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html")


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: a reference id the user can quote, never a traceback."""
    template = loader.get_template("500.html")
    context = {"request_id": getattr(request, "request_id", None)}
    return HttpResponse(template.render(context), status=500)
