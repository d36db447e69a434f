"""Two-factor sign-in: setting up an authenticator app, checking codes, and the
administrator's reset. Each write and its audit event share one transaction."""

from __future__ import annotations

import django_otp
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from decision.accounts.lockout import login_failures_forget
from decision.accounts.selectors import two_factor_device_for
from decision.accounts.sessions import user_sessions_end
from decision.audit.services import audit_event_record

RECOVERY_CODE_COUNT = 10
TOTP = "totp"
RECOVERY_CODE = "recovery_code"


def totp_device_for_enrolment(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's authenticator device awaiting its first code, made on first use; a reload
    of the enrolment page finds the same one, so the secret already scanned stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_enrol(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the new authenticator device with its first ``code``: mark it confirmed,
    replace the user's recovery codes with new ones and verify this session. Returns the
    new recovery codes, or ``None`` when the code is wrong (nothing changes)."""
    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery_codes = _recovery_codes_replace(user)
        audit_event_record(
            action="auth.two_factor_enrolled",
            actor=user,
            request=request,
            object_type="user",
            object_id=user.pk,
        )
        login_failures_forget(request, user)
    _session_verify(request, device)
    return recovery_codes


def _recovery_codes_replace(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, request: HttpRequest, code: str) -> str | None:
    """Check ``code``, six digits from the authenticator app or a recovery code, for the
    requesting user; on success verify the session and return which kind it was (``TOTP``
    or ``RECOVERY_CODE``). A recovery code works once. ``None`` when the code is wrong."""
    user = request.user
    with transaction.atomic():
        device = two_factor_device_for(user, code, for_update=True)
        if device is None or not device.verify_token(code):
            return None
        kind = TOTP if isinstance(device, TOTPDevice) else RECOVERY_CODE
        _verification_record(request, kind, device)
        login_failures_forget(request, user)
    _session_verify(request, device)
    return kind


def _verification_record(request: HttpRequest, kind: str, device: Device) -> None:
    user = request.user
    about_user = {"actor": user, "request": request, "object_type": "user", "object_id": user.pk}
    audit_event_record(action="auth.two_factor_verified", payload={"method": kind}, **about_user)
    if kind == RECOVERY_CODE:
        remaining = {"remaining": device.token_set.count()}
        audit_event_record(action="auth.recovery_code_used", payload=remaining, **about_user)


def _session_verify(request: HttpRequest, device: Device) -> None:
    # A session that gains the second factor gets a new key, as a login does.
    request.session.cycle_key()
    django_otp.login(request, device)


def two_factor_reset(
    *,
    user: AbstractBaseUser,
    administrator: AbstractBaseUser | None,
    request: HttpRequest | None = None,
) -> None:
    """Remove ``user``'s authenticator app and recovery codes and end their sessions: at
    their next login they set up two-factor sign-in again. ``administrator`` is ``None``
    for a reset from the command line."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        user_sessions_end(user=user, reason="two_factor_reset")
        audit_event_record(
            action="auth.two_factor_reset",
            actor=administrator,
            request=request,
            object_type="user",
            object_id=user.pk,
        )
