"""Every API error is JSON in the evaluator's contract's shape: ``{"errors": {field:
[message, ...]}}``, with ``"__all__"`` for what belongs to no one field."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler

from decision.rules.jsonio import ALL


def _messages(detail) -> list[str]:
    if isinstance(detail, list):
        return [str(item) for item in detail]
    return [str(detail)]


def errors_body(errors: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    return {"errors": errors}


def api_exception_handler(exc, context):
    """DRF's handler (status, headers such as ``Retry-After`` and ``WWW-Authenticate``),
    with the body reshaped. Anything DRF does not handle goes on to the 500 handler, which
    answers JSON on API paths."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError) and isinstance(exc.detail, dict):
        errors = {str(field): _messages(detail) for field, detail in exc.detail.items()}
    else:
        errors = {ALL: _messages(getattr(exc, "detail", str(exc)))}
    response.data = errors_body(errors)
    return response
