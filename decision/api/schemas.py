"""OpenAPI descriptions of the evaluator's contract (spec section 7), built from the rules
package's own field definitions so that the schema and the validation cannot drift."""

from __future__ import annotations

from typing import Any

from decision.rules import FINDINGS_FIELDS
from decision.rules.knowledge import EARLIEST_DATE_ISO, FieldSpec


def _finding_schema(spec: FieldSpec) -> dict[str, Any]:
    if spec.kind == "bool":
        schema: dict[str, Any] = {"type": "boolean"}
    elif spec.kind == "date":
        schema = {"type": "string", "format": "date", "example": EARLIEST_DATE_ISO}
    elif spec.kind == "choice":
        schema = {"type": "string", "enum": [value for value, _label in spec.choices or ()]}
    else:
        schema = {"type": "integer" if spec.kind == "int" else "number"}
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
            schema["exclusiveMinimum"] = spec.exclusive_minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
    if spec.nullable:
        schema["nullable"] = True
    if spec.default is not None:
        schema["default"] = spec.default
    schema["description"] = f"{spec.label}. {spec.help_text}"
    return schema


FINDINGS = {
    "type": "object",
    "description": "One encounter's findings (clinical contract, section 2).",
    "properties": {spec.name: _finding_schema(spec) for spec in FINDINGS_FIELDS},
    "required": [spec.name for spec in FINDINGS_FIELDS if spec.required],
    "additionalProperties": False,
}

RESULT = {
    "type": "object",
    "description": "The evaluator's output (clinical contract, section 7), as computed.",
    "properties": {
        "ruleset": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "version": {"type": "string"}},
            "required": ["id", "version"],
        },
        "derived": {"type": "object"},
        "fong_crs": {"type": "object"},
        "recommendation": {"type": "object"},
        "notes": {"type": "array", "items": {"type": "object"}},
        "trace": {"type": "array", "items": {"type": "object"}},
        "sources": {"type": "object"},
    },
    "required": ["ruleset", "derived", "fong_crs", "recommendation", "notes", "trace", "sources"],
}

ERRORS = {
    "type": "object",
    "description": 'Every offending field with its messages; "__all__" for the request as a whole.',
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
    "required": ["errors"],
}

ASSESSMENT_REQUEST = {
    "type": "object",
    "properties": {
        "encounter_date": {
            "type": "string",
            "format": "date",
            "description": "The date of the clinic encounter; not in the future.",
        },
        "findings": FINDINGS,
    },
    "required": ["encounter_date", "findings"],
    "additionalProperties": False,
}
