"""What the enrolment page shows of a new authenticator device. Pure functions, no queries."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice

_GROUP = 4


def totp_setup_key(device: TOTPDevice) -> str:
    """The device's secret as the base32 text authenticator apps accept, in groups of four
    characters so that it can be read and typed without losing one's place."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[start : start + _GROUP] for start in range(0, len(key), _GROUP))


def totp_qr_code(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as a QR code for an ``<img>``: an SVG in a
    ``data:`` URI, made here so that no outside service ever sees the secret."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = io.BytesIO()
    image.save(svg)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode("ascii")
