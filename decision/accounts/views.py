"""The second step of a login: setting up an authenticator app, entering a code, and the
recovery codes shown once."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from decision.accounts import services
from decision.accounts.forms import WRONG_CODE, EnrolmentCodeForm, TwoFactorCodeForm
from decision.accounts.lockout import login_is_locked, two_factor_failure_report
from decision.accounts.presenters import totp_qr_code, totp_setup_key
from decision.accounts.selectors import totp_device_confirmed
from decision.core.views import locked_out

# The new recovery codes wait here between enrolment and the page that shows them once.
RECOVERY_CODES_SESSION_KEY = "two_factor_recovery_codes"

WRONG_FIRST_CODE = (
    "That code was not accepted. Check that the app holds the account you just added, then "
    "enter the newest code it shows. If codes keep failing, set your phone's clock to "
    "update automatically."
)


def _next_url(request: HttpRequest) -> str:
    """Where the user was going: ``next`` when it is a page of this site, else the dashboard."""
    candidate = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("dashboard")


def _with_next(url_name: str, next_url: str, **query: str) -> str:
    return f"{reverse(url_name)}?{urlencode({**query, 'next': next_url})}"


def _locked_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return locked_out(request)


def _form_data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator app, or a recovery code; wrong codes count
    toward the login lockout."""
    user, next_url = request.user, _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if totp_device_confirmed(user) is None:
        return redirect(_with_next("two_factor_enrol", next_url))
    if login_is_locked(request, user):
        return _locked_out(request)
    recovery = request.GET.get("use") == "recovery"
    form = TwoFactorCodeForm(_form_data(request), user=user, recovery=recovery)
    if form.is_valid():
        if services.two_factor_verify(request=request, code=form.cleaned_data["code"]):
            return redirect(next_url)
        form.add_error("code", WRONG_CODE)
        if two_factor_failure_report(request, user):
            return _locked_out(request)
    switch = {} if recovery else {"use": "recovery"}
    context = {"form": form, "next": next_url, "recovery": recovery}
    context["switch_url"] = _with_next("two_factor_verify", next_url, **switch)
    return render(request, "registration/two_factor_verify.html", context)


@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), enter one code."""
    next_url = _next_url(request)
    if totp_device_confirmed(request.user) is not None:
        return redirect(_with_next("two_factor_verify", next_url))
    device = services.totp_device_for_enrolment(user=request.user)
    form = EnrolmentCodeForm(_form_data(request), device=device)
    if form.is_valid():
        codes = services.two_factor_enrol(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next("two_factor_recovery_codes", next_url))
        form.add_error("code", WRONG_FIRST_CODE)
    context = {"form": form, "next": next_url, "setup_key": totp_setup_key(device)}
    context["qr_code"] = totp_qr_code(device)
    return render(request, "registration/two_factor_enrol.html", context)


@require_GET
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown once: the session forgets them as they are shown."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    next_url = _next_url(request)
    if not codes:
        return redirect(next_url)
    context = {"codes": codes, "next": next_url}
    return render(request, "registration/two_factor_recovery_codes.html", context)
