"""What the app knows about the current request: its id (for logs and the audit trail)
and the client's address. Imported by the logging configuration, so it must not import
models."""

from __future__ import annotations

import ipaddress
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from decision.core.hashing import canonical_address

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

# A proxy's id is kept only if it is short and harmless to log.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id (or keep a safe ``X-Request-ID`` from the proxy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Add ``request_id`` to every log record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def _trusted(address: str) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return any(parsed in network for network in settings.TRUSTED_PROXIES)


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address, in its canonical form (an IPv4 address mapped into IPv6 as
    IPv4).

    The socket's peer, unless it is one of ``TRUSTED_PROXIES``: then X-Forwarded-For is
    walked from the right, each entry being the address the hop after it saw, until an
    entry that is not a trusted proxy. Entries left of that one were written by the client
    and can be forged; an entry that is not an address ends the walk at the proxy that
    reported it.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if _trusted(address):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed([part.strip() for part in forwarded if part.strip()]):
            if canonical_address(hop) is None:
                break
            address = hop
            if not _trusted(hop):
                break
    return canonical_address(address)


# Machine endpoints: the JSON API and the CDS Hooks service answer errors in JSON.
_JSON_PATHS = ("/api/", "/cds-services")


def wants_json(request: HttpRequest) -> bool:
    """Whether an error should be answered in JSON: on the machine endpoints' paths, and
    for clients that prefer JSON to HTML."""
    if request.path_info.startswith(_JSON_PATHS):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"
