"""Calendar days as moments, in the server's time zone (``TIME_ZONE``)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def day_start(day: date) -> datetime:
    """The first moment of ``day``."""
    return timezone.make_aware(datetime.combine(day, time.min))


def day_end(day: date) -> datetime:
    """The last moment of ``day``."""
    return timezone.make_aware(datetime.combine(day, time.max))
