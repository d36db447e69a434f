"""The rules service: colorectal liver metastases findings to a Fong score and a
recommendation with its full basis, under rule set ``kemeny-2006``.

Plain Python: frozen values in and out, no Django, no I/O, no clock (the evaluation date is
always an argument). Typical use::

    findings = parse_findings(raw_mapping, as_of=evaluation_date)  # or FindingsInvalid
    result = evaluate(findings, as_of=evaluation_date)
    result.to_dict()  # the evaluator's output object

The clinical knowledge (thresholds, texts, survival rows, citations) is in ``knowledge``.
"""

from . import knowledge
from .crs import CRITERIA, Criterion, CriterionResult, FongScore
from .derived import Derived, add_months, whole_months_between
from .findings import Findings, FindingsInvalid, parse_findings
from .jsonio import evaluate_json_bytes, findings_from_json_bytes, render_json
from .knowledge import (
    FINDINGS_FIELDS,
    FINDINGS_FIELDS_BY_NAME,
    FONG_1999_COHORT,
    INTENDED_USE,
    RULESET,
    SOURCES,
    FieldSpec,
    Ruleset,
    Source,
)
from .recommendation import RULES, Note, Recommendation, Rule, TraceEntry
from .result import Result, evaluate

# Alias: a finding's metadata is also called its spec where forms are built from it.
FindingSpec = FieldSpec

__all__ = [
    "CRITERIA",
    "FINDINGS_FIELDS",
    "FINDINGS_FIELDS_BY_NAME",
    "FONG_1999_COHORT",
    "INTENDED_USE",
    "RULES",
    "RULESET",
    "SOURCES",
    "Criterion",
    "CriterionResult",
    "Derived",
    "FieldSpec",
    "FindingSpec",
    "Findings",
    "FindingsInvalid",
    "FongScore",
    "Note",
    "Recommendation",
    "Result",
    "Rule",
    "Ruleset",
    "Source",
    "TraceEntry",
    "add_months",
    "evaluate",
    "evaluate_json_bytes",
    "findings_from_json_bytes",
    "knowledge",
    "parse_findings",
    "render_json",
    "whole_months_between",
]
