"""Typed readers for configuration taken from environment variables.

Each reader returns the default when the variable is unset or empty and raises
``ImproperlyConfigured`` naming the variable when the value cannot be understood, so a
typo in a deployment fails at start-up instead of running with a surprising setting.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Read a boolean: true/false, yes/no, on/off or 1/0 (any case)."""
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Read a whole number, optionally with a lower bound."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_str(
    name: str, default: str | None, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """Read a string; surrounding whitespace is removed."""
    value = _raw(name, environ)
    return default if value is None else value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Read a comma-separated list; empty items are refused."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(f"{name} has an empty item: {value!r}.")
    return items


def env_origins(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Read a comma-separated list of origins, each starting with http:// or https://."""
    origins = env_list(name, default, environ=environ)
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"{name} items must start with http:// or https://, not {origin!r}."
            )
    return origins


def env_origin(
    name: str, default: str | None, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """Read one origin: a scheme (http or https) and a host, with an optional port and no
    path, such as ``https://crlm.example.org``. A trailing slash is dropped."""
    value = env_str(name, default, environ=environ)
    if value is None:
        return None
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(
            f"{name} must be a scheme and a host such as https://crlm.example.org, not {value!r}."
        )
    return value.rstrip("/")


def env_networks(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Read a comma-separated list of IP networks in CIDR notation (a bare address is a
    network of one)."""
    networks = []
    for item in env_list(name, default, environ=environ):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} items must be IP networks such as 10.0.0.0/8, not {item!r}."
            ) from None
    return networks


def env_database(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, object]:
    """Read a database URL (``sqlite:///path`` or ``postgres://user@host:port/name``)."""
    import dj_database_url

    url = env_str(name, default, environ=environ)
    if not url.startswith(("sqlite:", "postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            f"{name} must be a sqlite:/// or postgres:// URL, not {url.split(':', 1)[0]!r}."
        )
    try:
        config = dj_database_url.parse(url)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name} could not be parsed: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} does not name a database.")
    return config


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> str:
    """Read one of a fixed set of words (compared without regard to case)."""
    value = _raw(name, environ)
    if value is None:
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
