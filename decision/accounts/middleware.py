"""Nothing but the sign-in pages before the second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from decision.accounts.selectors import totp_device_confirmed
from decision.core.requests import wants_json

# What a user who has given their password but no code yet may reach.
_OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "two_factor_verify",
        "two_factor_enrol",
        "two_factor_recovery_codes",
        "login",
        "logout",
        "healthz",
        "favicon",
        # The CDS Hooks service trusts a record system's signed token, never a session.
        "cds_discovery",
        "cds_service",
        "cds_feedback",
    }
)


class TwoFactorRequiredMiddleware:
    """When ``TWO_FACTOR_REQUIRED`` is on, a logged-in user whose session has not passed the
    second factor is sent to set up an authenticator app (none set up yet) or to enter a
    code, from every page but the sign-in pages, static files and the health check, the
    admin site included; ``next`` brings them back afterwards."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not settings.TWO_FACTOR_REQUIRED or self._may_pass(request):
            return None
        if wants_json(request):
            message = "Complete two-factor sign-in in the browser first, or use an API token."
            return JsonResponse({"errors": {"__all__": [message]}}, status=403)
        step = "two_factor_enrol"
        if totp_device_confirmed(request.user) is not None:
            step = "two_factor_verify"
        return redirect_to_login(request.get_full_path(), login_url=reverse(step))

    @staticmethod
    def _may_pass(request: HttpRequest) -> bool:
        user = request.user
        return (
            not user.is_authenticated
            or user.is_verified()
            or request.resolver_match.view_name in _OPEN_BEFORE_SECOND_FACTOR
            or request.path.startswith(settings.STATIC_URL)
        )
