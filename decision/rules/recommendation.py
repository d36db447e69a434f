"""Recommendation rules R1 to R6 and the notes of rule set ``kemeny-2006`` (spec section 5).

The rules are tried in order and the first that fires gives the recommendation. Every rule
appears in the trace: ``fired``, ``passed`` (tried, did not fire) or ``not_reached``
(a rule before it fired), each with the findings it looks at, so a clinician can review
the basis of the recommendation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .crs import FongScore
from .derived import Derived
from .findings import Findings
from .knowledge import (
    CRITERION_TEXTS,
    NOTE_TEXTS,
    RECOMMENDATIONS,
    RULE_TEXTS,
    RecommendationText,
    RuleText,
)

Outcome = Literal["fired", "passed", "not_reached"]
InputValue = bool | str | None


# A recommendation is given exactly as the knowledge base words it.
Recommendation = RecommendationText


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """What one rule did for this patient, with the findings it looked at, in order."""

    rule: str
    outcome: Outcome
    inputs: tuple[tuple[str, InputValue], ...]

    @property
    def explanation(self) -> str:
        return RULE_TEXTS[self.rule].explanation

    @property
    def sources(self) -> tuple[str, ...]:
        return RULE_TEXTS[self.rule].sources

    def to_dict(self) -> dict[str, object]:
        """The trace entry as it appears in the evaluator's output."""
        text = RULE_TEXTS[self.rule]
        return {
            "rule": self.rule,
            "outcome": self.outcome,
            "inputs": dict(self.inputs),
            "explanation": text.explanation,
            "sources": list(text.sources),
        }


@dataclass(frozen=True, slots=True)
class Note:
    """A note added to the recommendation, with its sources."""

    code: str
    text: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """The note as it appears in the evaluator's output."""
        return {"code": self.code, "text": self.text, "sources": list(self.sources)}


@dataclass(frozen=True, slots=True)
class Rule:
    """A recommendation rule: the findings it looks at, and ``decide``, which returns the
    recommendation code when the rule fires and None when it does not."""

    text: RuleText
    inputs: tuple[str, ...]
    decide: Callable[[Findings], str | None]

    @property
    def id(self) -> str:
        return self.text.id

    @property
    def explanation(self) -> str:
        return self.text.explanation

    def trace(self, findings: Findings, outcome: Outcome) -> TraceEntry:
        """The trace entry of this rule with the given outcome."""
        inputs = tuple((name, getattr(findings, name)) for name in self.inputs)
        return TraceEntry(self.text.id, outcome, inputs)


_EXTRAHEPATIC = (
    "portal_lymph_nodes",
    "carcinomatosis",
    "lung_metastases",
    "other_extrahepatic_metastases",
)


def _r1(findings: Findings) -> str | None:
    return None if findings.fit_for_surgery else "NON_OPERATIVE"


def _r2(findings: Findings) -> str | None:
    if not findings.extrahepatic_disease:
        return None
    if findings.symptomatic_primary:
        return "PALLIATIVE_PRIMARY_RESECTION"
    return "SYSTEMIC_THERAPY"


def _r3(findings: Findings) -> str | None:
    return None if findings.staging_complete else "COMPLETE_STAGING"


def _r4(findings: Findings) -> str | None:
    return "ASSESS_RESECTABILITY" if findings.liver_resectability == "undetermined" else None


def _r5(findings: Findings) -> str | None:
    if findings.liver_resectability != "resectable":
        return None
    if findings.primary_resected:
        return "RESECT_LIVER_WITH_HAI"
    return "RESECT_PRIMARY_AND_LIVER_WITH_HAI"


def _r6(findings: Findings) -> str | None:
    if findings.liver_resectability != "unresectable":
        return None
    if findings.primary_resected:
        return "HAI_FOR_UNRESECTABLE"
    return "RESECT_PRIMARY_WITH_HAI"


# In the order they are tried.
RULES: tuple[Rule, ...] = (
    Rule(RULE_TEXTS["R1"], ("fit_for_surgery",), _r1),
    Rule(RULE_TEXTS["R2"], (*_EXTRAHEPATIC, "symptomatic_primary"), _r2),
    Rule(RULE_TEXTS["R3"], ("staging_complete",), _r3),
    Rule(RULE_TEXTS["R4"], ("liver_resectability",), _r4),
    Rule(RULE_TEXTS["R5"], ("liver_resectability", "primary_resected"), _r5),
    Rule(RULE_TEXTS["R6"], ("liver_resectability", "primary_resected"), _r6),
)


def recommend(findings: Findings) -> tuple[Recommendation, tuple[TraceEntry, ...]]:
    """Try the rules in order; return the recommendation of the first that fires and the
    trace of every rule. Valid findings always make exactly one rule fire."""
    trace: list[TraceEntry] = []
    code: str | None = None
    for rule in RULES:
        if code is not None:
            trace.append(rule.trace(findings, "not_reached"))
            continue
        code = rule.decide(findings)
        trace.append(rule.trace(findings, "passed" if code is None else "fired"))
    if code is None:
        raise ValueError(f"No rule fired for liver_resectability={findings.liver_resectability!r}")
    return RECOMMENDATIONS[code], tuple(trace)


# Notes whose wording does not depend on the patient are built once.
_FIXED_NOTES = {
    code: Note(code, note.text, note.sources)
    for code, note in NOTE_TEXTS.items()
    if code != "CRS_INCOMPLETE"
}


def _crs_incomplete(crs: FongScore) -> Note:
    note = NOTE_TEXTS["CRS_INCOMPLETE"]
    missing = ", ".join(
        CRITERION_TEXTS[criterion.id].missing_finding or criterion.label
        for criterion in crs.unknown_criteria
    )
    return Note(note.code, note.text.format(score_range=crs.display, missing=missing), note.sources)


def notes_for(
    findings: Findings, derived: Derived, crs: FongScore, recommendation: Recommendation
) -> tuple[Note, ...]:
    """The notes whose condition holds, in the knowledge base's order; the last is always
    ``EVIDENCE_CURRENCY``. ``CRS_INCOMPLETE`` names the score range and missing findings."""
    curative = recommendation.intent == "curative"
    notes: list[Note] = []
    if derived.synchronous:
        notes.append(_FIXED_NOTES["SYNCHRONOUS_NOT_EXCLUSION"])
    if curative:
        notes.append(_FIXED_NOTES["NO_SYSTEMIC_CHEMOTHERAPY_FIRST"])
    if curative and findings.symptomatic_primary:
        notes.append(_FIXED_NOTES["PRIMARY_SYMPTOMS"])
    if crs.score is None:
        notes.append(_crs_incomplete(crs))
    notes.append(_FIXED_NOTES["EVIDENCE_CURRENCY"])
    return tuple(notes)
