from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from decision import rules
from decision.core.errors import wants_json
from decision.core.middleware import PREVIOUS_LOGIN_KEY

logger = logging.getLogger(__name__)


class _LoginView(LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        # Read before Django records this login: the dashboard lists what happened since.
        previous = form.get_user().last_login
        response = super().form_valid(form)
        self.request.session[PREVIOUS_LOGIN_KEY] = previous.isoformat() if previous else ""
        return response


_login_view = _LoginView.as_view()


@login_not_required
def login(request: HttpRequest) -> HttpResponse:
    """Django's login page; a login attempt and its audit event share one transaction."""
    if request.method == "POST":
        with transaction.atomic():
            return _login_view(request)
    return _login_view(request)


def about(request: HttpRequest) -> HttpResponse:
    context = {
        "intended_use": rules.INTENDED_USE,
        "ruleset": rules.RULESET,
        "sources": rules.SOURCES.values(),
        "survival_rows": rules.knowledge.SURVIVAL_ROWS,
        "cohort": rules.FONG_1999_COHORT,
    }
    return render(request, "core/about.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        get_user_model().objects.exists()
    except DatabaseError:
        logger.warning("Health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (the admin site)."""
    return redirect(static("img/favicon.svg"))


@login_not_required
def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """Shown instead of the login page while a user name and address, or an account, are
    locked out."""
    context = {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "account_minutes": int(settings.ACCOUNT_FAILURE_WINDOW.total_seconds() // 60),
        "account_limit": settings.ACCOUNT_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: a reference id the user can quote, never a traceback."""
    if wants_json(request):
        return JsonResponse(
            {"error": "server_error", "request_id": getattr(request, "request_id", None)},
            status=500,
        )
    template = loader.get_template("500.html")
    context = {"request_id": getattr(request, "request_id", None)}
    return HttpResponse(template.render(context), status=500)
