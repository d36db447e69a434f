"""The login lockout (django-axes) across both steps of signing in.

Wrong passwords and wrong two-factor codes count together toward the lockout of a user
name from an address, and the count is forgotten only when a login is complete: after the
password when no second factor is required, else after the code.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import signals
from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import receiver
from django.http import HttpRequest


def _credentials(user: AbstractBaseUser) -> dict[str, str]:
    return {"username": user.get_username()}


def login_is_locked(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Whether ``user``'s name is locked out from this request's address."""
    return AxesProxyHandler.is_locked(request, credentials=_credentials(user))


def two_factor_failure_report(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Count a wrong code as a failed login (axes counts it, the audit log records it);
    return whether this failure locked the user name out."""
    signals.user_login_failed.send(
        sender=__name__, credentials=_credentials(user), request=request, factor="two_factor"
    )
    return bool(getattr(request, "axes_locked_out", False))


def login_failures_forget(request: HttpRequest, user: AbstractBaseUser) -> int:
    """Forget the failed logins of ``user``'s name from this address (a login is complete)."""
    AxesProxyHandler.update_request(request)
    if not request.axes_ip_address:
        return 0
    return AxesProxyHandler.reset_attempts(
        username=user.get_username(), ip_address=request.axes_ip_address
    )


@receiver(signals.user_logged_in, dispatch_uid="accounts_forget_failures_at_password")
def _forget_failures_at_password(sender, request, user, **kwargs) -> None:
    if request is not None and not settings.TWO_FACTOR_REQUIRED:
        login_failures_forget(request, user)
