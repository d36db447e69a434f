"""The two-factor code forms: they check a code's shape, and that the device will check it
now; the services check the code itself."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django_otp.models import Device

from decision.accounts.selectors import code_check_wait_seconds, two_factor_device_for

_APP_CODE = re.compile(r"\d{6}")
# django-otp's recovery codes: 8 characters of lower-case base32.
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")

WRONG_CODE = (
    "That code was not accepted. Enter the newest code your authenticator app shows, "
    "or one of your recovery codes."
)


def _code_field(*, label: str, help_text: str, numeric: bool) -> forms.CharField:
    attrs = {
        "autocomplete": "one-time-code",
        "inputmode": "numeric" if numeric else "text",
        "autocapitalize": "none",
        "spellcheck": "false",
        "autofocus": True,
        "class": "form-control form-control-lg font-monospace",
    }
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": "Enter the code."},
    )


def _without_spaces(code: str) -> str:
    # People copy codes with the spaces and hyphens they were shown in.
    return re.sub(r"[\s-]", "", code).lower()


def _refuse_while_paused(device: Device | None) -> None:
    # A pause is no failure: no code was checked, so the lockout does not count it.
    wait = code_check_wait_seconds(device) if device is not None else 0
    if wait:
        raise forms.ValidationError(
            f"Too many wrong codes in a row. Wait {wait} second{'s' if wait != 1 else ''}, "
            "then enter the newest code.",
            code="paused",
        )


def _app_code_field() -> forms.CharField:
    return _code_field(
        label="Code from your authenticator app",
        help_text="6 digits. The app shows a new code every 30 seconds.",
        numeric=True,
    )


def _recovery_code_field() -> forms.CharField:
    return _code_field(
        label="Recovery code",
        help_text=(
            "One of the 10 recovery codes you saved when you set up two-factor sign-in: "
            "8 letters and digits. Each code works once."
        ),
        numeric=False,
    )


class EnrolmentCodeForm(forms.Form):
    """The first code of a new authenticator app, which proves it was set up correctly."""

    code = _app_code_field()

    def __init__(self, *args, device: Device, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = _without_spaces(self.cleaned_data["code"])
        if not _APP_CODE.fullmatch(code):
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows.")
        _refuse_while_paused(self.device)
        return code


class TwoFactorCodeForm(forms.Form):
    """The second step of a login: a code from the authenticator app, or a recovery code.

    Both kinds are accepted whichever way the field is labelled; ``recovery`` only labels
    it for a recovery code and lets phones show a keyboard with letters.
    """

    code = _app_code_field()

    def __init__(self, *args, user: AbstractBaseUser, recovery: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if recovery:
            self.fields["code"] = _recovery_code_field()

    def clean_code(self) -> str:
        code = _without_spaces(self.cleaned_data["code"])
        if not (_APP_CODE.fullmatch(code) or _RECOVERY_CODE.fullmatch(code)):
            raise forms.ValidationError(
                "Enter the 6 digits your authenticator app shows, or a recovery code of "
                "8 letters and digits."
            )
        _refuse_while_paused(two_factor_device_for(self.user, code))
        return code
