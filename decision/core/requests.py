"""What the app knows about the current request: its id (for logs and the audit trail)
and the client's address. Imported by the logging configuration, so it must not import
models."""

from __future__ import annotations

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


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address, in its canonical form (an IPv4 address mapped into IPv6 as
    IPv4): REMOTE_ADDR, or, behind ``TRUSTED_PROXY_COUNT`` proxies, the entry they appended
    to X-Forwarded-For (entries further left can be forged)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    return canonical_address(candidate)
