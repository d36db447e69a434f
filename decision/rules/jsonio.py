"""JSON in and out for the evaluator: bytes to findings, results to deterministic text.

Pure functions: they take bytes and return values; reading files or streams is the
caller's business. Every way raw input can be wrong becomes a ``FindingsInvalid`` with
plain messages, never another exception.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .findings import FindingsInvalid, parse_findings
from .result import evaluate

MAX_INPUT_BYTES = 1_000_000
DUPLICATE_KEY_MESSAGE = "Given more than once."
ALL = "__all__"

_UTF8_BOM = b"\xef\xbb\xbf"
_EXPECTED = "expected one JSON object of findings"


class _JSONObject(dict[str, Any]):
    """A decoded JSON object that remembers which of its keys were given more than once."""

    __slots__ = ("duplicates",)

    duplicates: tuple[str, ...]


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> _JSONObject:
    obj = _JSONObject()
    duplicates: list[str] = []
    for key, value in pairs:
        if key in obj and key not in duplicates:
            duplicates.append(key)
        obj[key] = value
    obj.duplicates = tuple(duplicates)
    return obj


def _constant(name: str) -> float:
    # NaN and Infinity are not JSON, but a field holding one deserves a message on that
    # field ("Must be a finite number."), not a rejection of the whole input.
    return float(name)


def _kind_of(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    return "a number"


def _input_error(message: str) -> FindingsInvalid:
    return FindingsInvalid({ALL: [message]})


def _decode(raw: bytes) -> _JSONObject:
    if len(raw) > MAX_INPUT_BYTES:
        raise _input_error(f"The input is larger than 1 MB ({MAX_INPUT_BYTES} bytes); {_EXPECTED}.")
    # A byte-order mark is what some Windows editors put at the start of a UTF-8 file;
    # it carries no content, so it is accepted and skipped.
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _input_error(
            f"The input is not valid UTF-8 text (invalid byte at position {error.start})."
        ) from None
    if not text.strip():
        raise _input_error(f"The input is empty; {_EXPECTED}.")
    try:
        value = json.loads(text, object_pairs_hook=_object_from_pairs, parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise _input_error(
            f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except RecursionError:
        raise _input_error(f"The JSON is nested too deeply; {_EXPECTED}.") from None
    except ValueError:
        # Raised by Python's limit on the digits of an integer literal.
        raise _input_error("A number in the input has too many digits.") from None
    if not isinstance(value, _JSONObject):
        raise _input_error(f"Expected one JSON object of findings, got {_kind_of(value)}.")
    return value


def findings_from_json_bytes(raw: bytes) -> dict[str, object]:
    """Decode UTF-8 JSON bytes holding one object of findings into a plain dict.

    Raises ``FindingsInvalid``: under ``"__all__"`` for input over ``MAX_INPUT_BYTES``,
    empty, not UTF-8, not JSON, nested too deeply, with an over-long integer, or not an
    object; under a field's name for a key given more than once. A leading UTF-8
    byte-order mark is skipped. ``NaN`` and ``Infinity`` decode to floats, which field
    validation then rejects.
    """
    obj = _decode(raw)
    if obj.duplicates:
        raise FindingsInvalid({key: [DUPLICATE_KEY_MESSAGE] for key in obj.duplicates})
    return dict(obj)


def evaluate_json_bytes(raw: bytes, *, as_of: date) -> dict[str, object]:
    """Decode, validate and evaluate findings given as JSON bytes; return the evaluator's
    output object (spec section 7).

    Raises ``FindingsInvalid`` naming every offending field: duplicated keys and field
    validation errors are reported together.
    """
    obj = _decode(raw)
    errors: dict[str, list[str]] = {key: [DUPLICATE_KEY_MESSAGE] for key in obj.duplicates}
    try:
        findings = parse_findings(obj, as_of=as_of)
    except FindingsInvalid as invalid:
        for field, messages in invalid.errors.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise FindingsInvalid(errors)
    return evaluate(findings, as_of=as_of).to_dict()


def render_json(obj: object) -> str:
    """Render ``obj`` as deterministic JSON text: sorted keys, two-space indent, UTF-8
    characters as themselves, and a trailing newline.

    Text that could not be encoded as UTF-8 (a lone surrogate from a ``\\ud800`` escape in
    an input key) is rendered with ASCII escapes instead, so the result always encodes.
    """
    text = json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False)
    return text + "\n"
