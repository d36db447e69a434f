"""Evaluation of findings into a result: score, recommendation, notes, trace and sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .crs import FongScore, fong_score
from .derived import Derived, derive
from .findings import Findings, check_findings
from .knowledge import RULESET, SOURCES, Ruleset, Source
from .recommendation import Note, Recommendation, TraceEntry, notes_for, recommend


@dataclass(frozen=True, slots=True)
class Result:
    """Everything the rule set concludes for one set of findings, with its full basis.

    ``to_dict`` gives the evaluator's output object (spec section 7); ``findings`` and
    ``as_of`` are kept for display and are not part of it.
    """

    ruleset: Ruleset
    as_of: date
    findings: Findings
    derived: Derived
    fong_crs: FongScore
    recommendation: Recommendation
    notes: tuple[Note, ...]
    trace: tuple[TraceEntry, ...]
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, object]:
        """The evaluator's output object: exactly the keys ``ruleset``, ``derived``,
        ``fong_crs``, ``recommendation``, ``notes``, ``trace`` and ``sources``."""
        return {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version},
            "derived": self.derived.to_dict(),
            "fong_crs": self.fong_crs.to_dict(),
            "recommendation": {
                "code": self.recommendation.code,
                "intent": self.recommendation.intent,
                "text": self.recommendation.text,
                "sources": list(self.recommendation.sources),
            },
            "notes": [note.to_dict() for note in self.notes],
            "trace": [entry.to_dict() for entry in self.trace],
            "sources": {
                source.id: {"citation": source.citation, "url": source.url}
                for source in self.sources
            },
        }


def _sources_used(
    crs: FongScore,
    recommendation: Recommendation,
    notes: tuple[Note, ...],
    trace: tuple[TraceEntry, ...],
) -> tuple[Source, ...]:
    used = set(recommendation.sources).union(
        *(criterion.sources for criterion in crs.criteria),
        (row.source for row in crs.survival_evidence),
        *(note.sources for note in notes),
        *(entry.sources for entry in trace),
    )
    return tuple(source for source_id, source in SOURCES.items() if source_id in used)


def evaluate(findings: Findings, *, as_of: date) -> Result:
    """Apply rule set ``kemeny-2006`` to ``findings`` on the evaluation date ``as_of``.

    Deterministic and free of side effects. Raises ``FindingsInvalid`` when ``findings``
    would not pass ``parse_findings`` on ``as_of`` (possible only for values built
    directly).
    """
    check_findings(findings, as_of=as_of)
    derived = derive(findings)
    crs = fong_score(findings, derived)
    recommendation, trace = recommend(findings)
    notes = notes_for(findings, derived, crs, recommendation)
    return Result(
        ruleset=RULESET,
        as_of=as_of,
        findings=findings,
        derived=derived,
        fong_crs=crs,
        recommendation=recommendation,
        notes=notes,
        trace=trace,
        sources=_sources_used(crs, recommendation, notes, trace),
    )
