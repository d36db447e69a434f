"""Logins, logouts, failed logins (a wrong password or a wrong two-factor code) and
lockouts become audit events."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import signals
from django.dispatch import receiver

from decision.audit.services import atomic_audit_event_record
from decision.core.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY


def _attempted_username(credentials: dict | None) -> str:
    # The attempted user name is kept (it is needed to spot guessing), never the password.
    return str((credentials or {}).get("username", ""))[:150]


@receiver(signals.user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_SEEN_KEY] = now
    atomic_audit_event_record(
        action="auth.login", actor=user, request=request, object_type="user", object_id=user.pk
    )


@receiver(signals.user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, "session_expired_reason", None)
    atomic_audit_event_record(
        action="auth.session_expired" if reason else "auth.logout",
        actor=user,
        request=request,
        object_type="user",
        object_id=user.pk,
        payload={"reason": reason} if reason else None,
    )


@receiver(signals.user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    two_factor = kwargs.get("factor") == "two_factor"
    atomic_audit_event_record(
        action="auth.two_factor_failed" if two_factor else "auth.login_failed",
        actor=None,
        request=request,
        payload={"username": _attempted_username(credentials)},
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    atomic_audit_event_record(
        action="auth.locked_out",
        actor=None,
        request=request,
        payload={"username": str(username or "")[:150]},
    )
