"""The login lockout, on top of django-axes.

Axes locks a user name out from one address after ``AXES_FAILURE_LIMIT`` failures, for
``AXES_COOLOFF_TIME``. Spread over many addresses, guesses at one account would never
reach that limit, so ``AccountLimitHandler`` also locks the account itself, from every
address, once it has ``ACCOUNT_FAILURE_LIMIT`` failures within ``ACCOUNT_FAILURE_WINDOW``.
Those failures are counted from axes' failure log, so ``axes_reset_username`` unlocks both.

Wrong passwords and wrong two-factor codes count together, and the count for a user name
and address is forgotten only when a login is complete: after the password when no second
factor is required, else after the code.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import signals
from django.contrib.auth.models import AbstractBaseUser
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

# Django's user names are at most 150 characters; anything longer is not an account, and
# must not overflow axes' columns either.
USERNAME_MAX_LENGTH = 150


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name a login attempt named, cut to a length an account can have."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return None if username is None else str(username)[:USERNAME_MAX_LENGTH]


def account_failures(username: str | None) -> int:
    """Failed logins for ``username``, from any address, within the account window."""
    if not username:
        return 0
    since = timezone.now() - settings.ACCOUNT_FAILURE_WINDOW
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


class AccountLimitHandler(AxesDatabaseHandler):
    """Axes' database handler, with a limit per account across all addresses."""

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = attempted_username(request, credentials)
        return account_failures(username) >= settings.ACCOUNT_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        username = attempted_username(request, credentials)
        if account_failures(username) >= settings.ACCOUNT_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        """Axes' reset, which also forgets the account's failures when a user name is given
        (``manage.py axes_reset_username``)."""
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        if username:
            AccessFailureLog.objects.filter(username=username).delete()
        return count


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
