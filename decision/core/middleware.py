"""Request-wide behaviour: unreadable requests, session limits, private responses, the
not-found page and the database-outage page."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError

from decision.core.errors import bad_request, page_not_found
from decision.core.outage import database_outage_response, is_database_outage

logger = logging.getLogger(__name__)

SESSION_STARTED_KEY = "auth_started_at"
SESSION_SEEN_KEY = "auth_last_seen_at"
# When the user logged in before this session (ISO time, "" for a first login).
PREVIOUS_LOGIN_KEY = "auth_previous_login"
# Seconds between refreshes of the idle clock, so an active user's session row is not
# rewritten on every request.
_SEEN_REFRESH_SECONDS = 60


# What reading a form body can raise when the body is malformed: a charset other than
# UTF-8, a broken or missing multipart boundary, too many fields or files, a body over
# DATA_UPLOAD_MAX_MEMORY_SIZE (the last three are SuspiciousOperation), or a client that
# went away mid-body. Codec errors cover multipart parts declaring charsets Python lacks.
_UNREADABLE_BODY = (
    BadRequest,
    SuspiciousOperation,
    MultiPartParserError,
    UnreadablePostError,
    LookupError,
    UnicodeError,
    ValueError,
)


class UnreadableRequestMiddleware:
    """Read a POSTed form once, before anything else does, and answer 400 when it cannot be
    read. Everything after this point (CSRF, login, lockout, the views, the error pages)
    then sees a parsed form or nothing at all, never a parse error. The refusal is logged
    as a warning without the body; nothing is written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                request.POST  # noqa: B018  (parses the body, or raises)
                request.FILES  # noqa: B018
            except _UNREADABLE_BODY as error:
                logger.warning(
                    "Unreadable request refused: %s %s (%s, %s)",
                    request.method,
                    request.path,
                    request.content_type,
                    type(error).__name__,
                )
                return bad_request(request, error)
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Log out after ``SESSION_IDLE_TIMEOUT`` without a request, and in any case
    ``SESSION_ABSOLUTE_LIMIT`` after login; the user is sent to log in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expired_because(request)
            if expired:
                request.session_expired_reason = expired
                logout(request)
                messages.info(request, "Your session has ended; please log in again.")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _expired_because(self, request: HttpRequest) -> str | None:
        now = time.time()
        session = request.session
        started = session.setdefault(SESSION_STARTED_KEY, now)
        seen = session.get(SESSION_SEEN_KEY, started)
        if now - started > settings.SESSION_ABSOLUTE_LIMIT.total_seconds():
            return "absolute_limit"
        if now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return "idle_timeout"
        if now - seen > _SEEN_REFRESH_SECONDS or SESSION_SEEN_KEY not in session:
            session[SESSION_SEEN_KEY] = now
        return None


class PrivateResponseMiddleware:
    """No browser or proxy may keep a page: it may show patient data, and even the health
    check must be asked afresh each time (static files are served before this point).
    Every response also refuses the browser features the app never uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        return response


class NotFoundPageMiddleware:
    """A view that answers ``Http404`` (no such object, or a page the user's role may not
    know about) shows the app's own "Not found" page, in development as in production.

    Django's development 404 page lists every URL pattern, which would tell a refused user
    what the app holds and make refusals look unlike production while testing them. URLs
    that match no pattern never reach a view and keep Django's usual handling.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class DatabaseOutageMiddleware:
    """A view that fails because the database cannot be reached answers 503 with the
    outage page, in development as in production. Failures before the view (loading the
    session or the user) reach the 500 handler, which gives the same answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return database_outage_response(request, exception)
        return None
