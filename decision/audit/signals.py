"""Login, logout and failed logins become audit events."""

from __future__ import annotations

from django.contrib.auth import signals
from django.dispatch import receiver

from decision.audit.services import atomic_audit_event_record


@receiver(signals.user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    atomic_audit_event_record(
        action="auth.login", actor=user, request=request, object_type="user", object_id=user.pk
    )


@receiver(signals.user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    atomic_audit_event_record(
        action="auth.logout", actor=user, request=request, object_type="user", object_id=user.pk
    )


@receiver(signals.user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The attempted user name is kept (it is needed to spot guessing), never the password.
    username = str(credentials.get("username", ""))[:150]
    atomic_audit_event_record(
        action="auth.login_failed",
        actor=None,
        request=request,
        payload={"username": username},
    )
