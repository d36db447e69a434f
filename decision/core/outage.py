"""The answer given while the database cannot be reached: 503, a page that says nothing
was saved and that sending the form again is safe, and one warning in the log.

Both the 500 handler (failures in a middleware, such as loading the session) and
``DatabaseOutageMiddleware`` (failures in a view, with or without DEBUG) call
``database_outage_response``. The page needs no database: it is rendered without the
request, so no context processor asks for the user or the session.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response

from decision.core.requests import wants_json

logger = logging.getLogger(__name__)

# Long enough for a database restart or fail-over, short enough that a retry soon succeeds.
RETRY_AFTER_SECONDS = 30
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)

_LOGGED_FLAG = "database_outage_logged"


def is_database_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_OUTAGE_ERRORS)


def database_outage_response(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """503 with ``Retry-After``: JSON for the API and for clients preferring JSON, the
    outage page for everyone else. The outage is logged once per request, as a warning,
    with the error's class and first line but no traceback, SQL or request body."""
    if wants_json(request):
        response = JsonResponse(
            {
                "error": "service_unavailable",
                "detail": "The service cannot reach its database. Nothing was saved; "
                "sending the same request again is safe.",
                "retry_after": RETRY_AFTER_SECONDS,
            },
            status=503,
        )
    else:
        context = {"request_id": getattr(request, "request_id", None)}
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Failures before the view skip PrivateResponseMiddleware; no proxy may keep an outage.
    add_never_cache_headers(response)
    _log_once(request, response, exception)
    return response


def _log_once(request: HttpRequest, response: HttpResponse, exception: BaseException) -> None:
    # log_response also marks the response as logged, so Django's django.request logger
    # does not log the same response again as an error with its traceback.
    level = "debug" if getattr(request, _LOGGED_FLAG, False) else "warning"
    first_line = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
    log_response(
        "Database unreachable (%s: %s); answered 503 to %s %s",
        type(exception).__name__,
        first_line,
        request.method,
        request.path,
        response=response,
        request=request,
        logger=logger,
        level=level,
    )
    setattr(request, _LOGGED_FLAG, True)
