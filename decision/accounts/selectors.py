"""Reading a user's two-factor devices."""

from __future__ import annotations

import math

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_CODE_DIGITS = 6


def totp_device_confirmed(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's authenticator app, once set up (``None`` before enrolment)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_device_for(
    user: AbstractBaseUser, code: str, *, for_update: bool = False
) -> Device | None:
    """The device that checks ``code``: the authenticator app for six digits, else the
    recovery codes. ``for_update`` locks it until the transaction ends, so that one code
    cannot be accepted twice by concurrent requests."""
    model = TOTPDevice if len(code) == APP_CODE_DIGITS else StaticDevice
    devices = model.objects.filter(user=user, confirmed=True)
    if for_update:
        devices = devices.select_for_update()
    return devices.first()


def code_check_wait_seconds(device: Device) -> int:
    """Seconds before ``device`` checks another code (0: now). After wrong codes in a row
    django-otp waits 1, 2, 4, 8... seconds, whichever address the codes come from."""
    allowed, detail = device.verify_is_allowed()
    if allowed:
        return 0
    remaining = (detail["locked_until"] - timezone.now()).total_seconds()
    return max(1, math.ceil(remaining))
