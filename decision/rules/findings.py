"""Findings: the validated input of the rules service, and the rules that validate it.

``parse_findings`` turns a JSON-shaped mapping into a frozen ``Findings`` value or raises
``FindingsInvalid`` naming every offending field at once. Each check is a small object with
a stable ``code`` and an ``explanation``; the runner applies all of them and collects every
failure instead of stopping at the first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from .knowledge import EARLIEST_DATE_ISO, FINDINGS_FIELDS, FINDINGS_FIELDS_BY_NAME, FieldSpec


@dataclass(frozen=True, slots=True, kw_only=True)
class Findings:
    """The clinical findings of one encounter (spec section 2), already validated.

    ``None`` in ``primary_node_positive``, ``liver_tumor_count``, ``largest_liver_tumor_cm``
    and ``cea_ng_ml`` means unknown; ``primary_resection_date`` is ``None`` exactly when the
    primary has not been resected.
    """

    fit_for_surgery: bool
    symptomatic_primary: bool
    primary_resected: bool
    primary_resection_date: date | None = None
    primary_node_positive: bool | None = None
    liver_metastases_diagnosis_date: date
    liver_tumor_count: int | None = None
    largest_liver_tumor_cm: float | None = None
    cea_ng_ml: float | None = None
    portal_lymph_nodes: bool = False
    carcinomatosis: bool = False
    lung_metastases: bool = False
    other_extrahepatic_metastases: bool = False
    staging_complete: bool
    liver_resectability: str
    # The evaluation date ``parse_findings`` validated these values on; None for values
    # built directly. Not part of the findings' value (ignored by ==, hash and repr).
    validated_as_of: date | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def extrahepatic_disease(self) -> bool:
        """True when any extrahepatic finding is present."""
        return (
            self.portal_lymph_nodes
            or self.carcinomatosis
            or self.lung_metastases
            or self.other_extrahepatic_metastases
        )

    def to_dict(self) -> dict[str, object]:
        """The findings as a JSON-shaped mapping (dates as ISO strings) that
        ``parse_findings`` accepts back unchanged."""
        raw: dict[str, object] = {}
        for spec in FINDINGS_FIELDS:
            value = getattr(self, spec.name)
            raw[spec.name] = value.isoformat() if isinstance(value, date) else value
        return raw


class FindingsInvalid(ValueError):
    """Findings that fail validation. ``errors`` maps each offending field (or ``"__all__"``
    for input that is not an object of findings) to its plain-language messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors: dict[str, list[str]] = {field: list(msgs) for field, msgs in errors.items()}
        super().__init__("; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items()))


# --- Validation rules --------------------------------------------------------------------

# Marks a finding that is absent from the input (as opposed to given as null).
_ABSENT: Any = object()

# [0-9] rather than \d: \d also matches non-ASCII digits. fromisoformat alone is not enough
# because Python 3.11 also accepts forms such as "20240101".
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EARLIEST_DATE = date.fromisoformat(EARLIEST_DATE_ISO)


def _format_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


@dataclass(frozen=True, slots=True)
class Required:
    """A required finding is given, and not as null."""

    code: ClassVar[str] = "required"
    explanation: ClassVar[str] = "Required findings must be given; null does not count."
    message: ClassVar[str] = "This finding is required."


@dataclass(frozen=True, slots=True)
class KnownFinding:
    """Every key of the input is a finding of the table; a typo is never ignored."""

    code: ClassVar[str] = "unknown_finding"
    explanation: ClassVar[str] = "Every key must be the name of a finding."
    message: ClassVar[str] = "Not a known finding; check the spelling."


@dataclass(frozen=True, slots=True)
class IsBoolean:
    """A boolean finding is a JSON ``true`` or ``false``."""

    code: ClassVar[str] = "not_boolean"
    explanation: ClassVar[str] = (
        'A yes/no finding must be JSON true or false; "yes", 1 or 0 are not accepted.'
    )

    def clean(self, value: object) -> tuple[Any, str | None]:
        if value is True or value is False:
            return value, None
        return None, "Must be true or false."


@dataclass(frozen=True, slots=True)
class IsDate:
    """A date is an ISO ``YYYY-MM-DD`` string of a real calendar date."""

    code: ClassVar[str] = "not_date"
    explanation: ClassVar[str] = (
        "A date must be written YYYY-MM-DD and exist in the calendar (2023-02-29 does not)."
    )

    def clean(self, value: object) -> tuple[Any, str | None]:
        # A date object (not a datetime) is what a web form gives; JSON gives a string.
        if type(value) is date:
            return value, None
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value), None
            except ValueError:
                pass
        return None, "Must be a date in the form YYYY-MM-DD."


@dataclass(frozen=True, slots=True)
class IsWholeNumber:
    """A count is a JSON number with an integral value (3 or 3.0, not 2.5 or "3")."""

    code: ClassVar[str] = "not_whole_number"
    explanation: ClassVar[str] = "A count must be a whole number, written as a JSON number."

    def clean(self, value: object) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "Must be a whole number."
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                return None, "Must be a whole number."
            return int(value), None
        return value, None


@dataclass(frozen=True, slots=True)
class IsFiniteNumber:
    """A measurement is a finite JSON number (not a string, a boolean, NaN or Infinity)."""

    code: ClassVar[str] = "not_number"
    explanation: ClassVar[str] = (
        'A measurement must be a JSON number; "12", true, NaN and Infinity are not accepted.'
    )

    def clean(self, value: object) -> tuple[Any, str | None]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, "Must be a number."
        if isinstance(value, float) and not math.isfinite(value):
            return None, "Must be a finite number."
        return value, None


@dataclass(frozen=True, slots=True)
class IsChoice:
    """A choice finding is exactly one of its listed values."""

    choices: tuple[str, ...]
    code: ClassVar[str] = "not_a_choice"
    explanation: ClassVar[str] = "A choice must be exactly one of the listed values."

    def clean(self, value: object) -> tuple[Any, str | None]:
        if isinstance(value, str) and value in self.choices:
            return value, None
        quoted = [f'"{choice}"' for choice in self.choices]
        return None, f"Must be one of {', '.join(quoted[:-1])} or {quoted[-1]}."


EVALUATION_DATE = "the evaluation date"


@dataclass(frozen=True, slots=True)
class DateNotBefore:
    """A date is no earlier than the earliest plausible date."""

    earliest: date
    code: ClassVar[str] = "date_too_early"
    explanation: ClassVar[str] = f"Dates are no earlier than {EARLIEST_DATE_ISO}."

    def check(self, value: date, *, as_of: date, as_of_name: str) -> str | None:
        if value < self.earliest:
            return f"Must not be before {self.earliest.isoformat()}."
        return None


@dataclass(frozen=True, slots=True)
class DateNotAfterEvaluation:
    """A date is not in the future, that is, not after the evaluation date."""

    code: ClassVar[str] = "date_in_future"
    explanation: ClassVar[str] = "Dates must not be after the evaluation date."

    def check(self, value: date, *, as_of: date, as_of_name: str) -> str | None:
        if value > as_of:
            return f"Must not be after {as_of_name} ({as_of.isoformat()})."
        return None


@dataclass(frozen=True, slots=True)
class NumberInRange:
    """A number lies within its plausible range (bounds inclusive unless stated)."""

    minimum: int
    maximum: int
    exclusive_minimum: bool
    unit: str
    code: ClassVar[str] = "out_of_range"
    explanation: ClassVar[str] = "Numbers must lie within the finding's plausible range."

    def check(self, value: float, *, as_of: date, as_of_name: str) -> str | None:
        too_low = value <= self.minimum if self.exclusive_minimum else value < self.minimum
        if not too_low and value <= self.maximum:
            return None
        low, high = _format_number(self.minimum), _format_number(self.maximum)
        unit = f" ({self.unit})" if self.unit else ""
        if self.exclusive_minimum:
            return f"Must be greater than {low} and at most {high}{unit}."
        return f"Must be between {low} and {high}{unit}."


@dataclass(frozen=True, slots=True)
class ResectionDateRequired:
    """A resected primary has a resection date."""

    code: ClassVar[str] = "resection_date_required"
    explanation: ClassVar[str] = (
        "When the primary tumor has been resected, its resection date is required."
    )
    field: ClassVar[str] = "primary_resection_date"

    def check(self, values: Mapping[str, Any]) -> str | None:
        if values["primary_resected"] is True and values[self.field] is None:
            return "Required when the primary tumor has been resected."
        return None


@dataclass(frozen=True, slots=True)
class ResectionDateOnlyWhenResected:
    """A primary still in place has no resection date."""

    code: ClassVar[str] = "resection_date_not_applicable"
    explanation: ClassVar[str] = (
        "When the primary tumor has not been resected, the resection date must be empty."
    )
    field: ClassVar[str] = "primary_resection_date"

    def check(self, values: Mapping[str, Any]) -> str | None:
        if values["primary_resected"] is False and values[self.field] is not None:
            return "Must be empty when the primary tumor has not been resected."
        return None


@dataclass(frozen=True, slots=True)
class NoSymptomsAfterResection:
    """A primary that has been resected cannot be the source of symptoms."""

    code: ClassVar[str] = "symptomatic_after_resection"
    explanation: ClassVar[str] = (
        "A primary tumor that has already been resected cannot be symptomatic."
    )
    field: ClassVar[str] = "symptomatic_primary"

    def check(self, values: Mapping[str, Any]) -> str | None:
        if values["primary_resected"] is True and values[self.field] is True:
            return "Must be no when the primary tumor has already been resected."
        return None


@dataclass(frozen=True, slots=True)
class FieldValidator:
    """The checks of one finding: presence, type (which also converts), then value."""

    spec: FieldSpec
    type_check: IsBoolean | IsDate | IsWholeNumber | IsFiniteNumber | IsChoice
    value_checks: tuple[DateNotBefore | DateNotAfterEvaluation | NumberInRange, ...]


_UNITS = {"largest_liver_tumor_cm": "cm", "cea_ng_ml": "ng/mL"}


def _field_validator(spec: FieldSpec) -> FieldValidator:
    value_checks: tuple[DateNotBefore | DateNotAfterEvaluation | NumberInRange, ...] = ()
    if spec.kind == "bool":
        type_check: IsBoolean | IsDate | IsWholeNumber | IsFiniteNumber | IsChoice = IsBoolean()
    elif spec.kind == "date":
        type_check = IsDate()
        value_checks = (DateNotBefore(EARLIEST_DATE), DateNotAfterEvaluation())
    elif spec.kind == "choice":
        assert spec.choices is not None
        type_check = IsChoice(tuple(value for value, _label in spec.choices))
    else:
        type_check = IsWholeNumber() if spec.kind == "int" else IsFiniteNumber()
        assert spec.minimum is not None and spec.maximum is not None
        value_checks = (
            NumberInRange(
                spec.minimum, spec.maximum, spec.exclusive_minimum, _UNITS.get(spec.name, "")
            ),
        )
    return FieldValidator(spec, type_check, value_checks)


FIELD_VALIDATORS = tuple(_field_validator(spec) for spec in FINDINGS_FIELDS)
CROSS_FIELD_CHECKS = (
    ResectionDateRequired(),
    ResectionDateOnlyWhenResected(),
    NoSymptomsAfterResection(),
)


def _validate(
    raw: Mapping[str, object], as_of: date, as_of_name: str = EVALUATION_DATE
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Run every check; return the cleaned values of the valid findings and the errors."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for validator in FIELD_VALIDATORS:
        spec = validator.spec
        name = spec.name
        value = raw.get(name, _ABSENT)
        if value is _ABSENT or (value is None and spec.required):
            if spec.required:
                errors[name] = [Required.message]
            else:
                values[name] = spec.default
            continue
        if value is None and spec.nullable:
            values[name] = None
            continue
        # A null for a finding that is neither required nor nullable fails its type check.
        value, message = validator.type_check.clean(value)
        if message is not None:
            errors[name] = [message]
            continue
        if validator.value_checks:
            messages = [
                message
                for check in validator.value_checks
                if (message := check.check(value, as_of=as_of, as_of_name=as_of_name))
            ]
            if messages:
                errors[name] = messages
                continue
        values[name] = value

    # Cross-field checks need a valid primary_resected and add nothing to a field that
    # already failed its own checks (one clear message beats two overlapping ones).
    if "primary_resected" in values:
        for cross_check in CROSS_FIELD_CHECKS:
            if cross_check.field in errors:
                continue
            message = cross_check.check(values)
            if message is not None:
                errors[cross_check.field] = [message]

    for key in raw:
        if key not in FINDINGS_FIELDS_BY_NAME:
            errors[str(key)] = [KnownFinding.message]
    return values, errors


def parse_findings(
    raw: Mapping[str, object], *, as_of: date, as_of_name: str = EVALUATION_DATE
) -> Findings:
    """Validate a JSON-shaped mapping of findings and return them as ``Findings``.

    Dates are ISO ``YYYY-MM-DD`` strings (``datetime.date`` values are accepted too),
    booleans real booleans, numbers real numbers. ``as_of`` is the evaluation date: no date
    may be after it. ``as_of_name`` is what the messages call it ("the encounter date" on
    the web form). Raises ``FindingsInvalid`` listing every offending field, including
    keys that are not findings.
    """
    values, errors = _validate(raw, as_of, as_of_name)
    if errors:
        raise FindingsInvalid(errors)
    findings = Findings(**values)
    # Set here and nowhere else, so that evaluate() need not validate the same values again.
    object.__setattr__(findings, "validated_as_of", as_of)
    return findings


def check_findings(findings: Findings, *, as_of: date) -> None:
    """Raise ``FindingsInvalid`` unless ``findings`` would pass ``parse_findings`` on
    ``as_of``; guards values built directly rather than parsed.

    Findings that ``parse_findings`` validated on or before ``as_of`` pass at once: the
    only check that depends on the date ("not after the evaluation date") cannot fail
    for a later date.
    """
    if findings.validated_as_of is not None and findings.validated_as_of <= as_of:
        return
    _values, errors = _validate(
        {spec.name: getattr(findings, spec.name) for spec in FINDINGS_FIELDS}, as_of
    )
    if errors:
        raise FindingsInvalid(errors)
