"""The Fong clinical risk score (spec section 4): five criteria, one point each.

Each criterion is a small object with a stable id, an explanation, its sources and its
threshold, and evaluates to met, not met or unknown. Comparisons are strict, as in the
paper: a value exactly at a threshold scores 0. An unknown criterion scores 0 but widens
the score into a range (``score_min`` to ``score_max``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from .derived import Derived
from .findings import Findings
from .knowledge import (
    CEA_NG_ML,
    CRITERION_TEXTS,
    CRS_SOURCES,
    DISEASE_FREE_INTERVAL_MONTHS,
    LARGEST_TUMOR_CM,
    LIVER_TUMOR_COUNT,
    RISK_GROUP_HIGH_MIN,
    RISK_GROUP_LOW_MAX,
    SURVIVAL_ROWS,
    CriterionText,
    SurvivalRow,
)

Status = Literal["met", "not_met", "unknown"]
RiskGroup = Literal["low", "high", "undetermined"]
CriterionValue = bool | int | float | None


@dataclass(frozen=True, slots=True)
class Criterion:
    """A Fong criterion: ``value_of`` picks the patient's value, ``is_met`` tests a known
    value. A value of None is unknown, except for criteria that are never unknown."""

    text: CriterionText
    finding: str
    value_of: Callable[[Findings, Derived], CriterionValue]
    is_met: Callable[[Any], bool]
    sources: tuple[str, ...] = CRS_SOURCES

    @property
    def id(self) -> str:
        return self.text.id

    @property
    def explanation(self) -> str:
        return self.text.explanation

    def evaluate(self, findings: Findings, derived: Derived) -> CriterionResult:
        """Return this criterion's status and value for one patient."""
        value = self.value_of(findings, derived)
        if value is None:
            return CriterionResult(self, "unknown", None)
        return CriterionResult(self, "met" if self.is_met(value) else "not_met", value)


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion evaluated for one patient. ``value`` is the patient's value the
    criterion looked at (None when unknown)."""

    criterion: Criterion
    status: Status
    value: CriterionValue

    @property
    def id(self) -> str:
        return self.criterion.text.id

    @property
    def points(self) -> int:
        """1 when met, else 0 (also 0 when unknown)."""
        return 1 if self.status == "met" else 0

    @property
    def threshold(self) -> str:
        return self.criterion.text.threshold

    @property
    def sources(self) -> tuple[str, ...]:
        return self.criterion.sources

    @property
    def label(self) -> str:
        return self.criterion.text.label

    @property
    def explanation(self) -> str:
        return self.criterion.text.explanation

    def to_dict(self) -> dict[str, object]:
        """The criterion as it appears in the evaluator's output."""
        text = self.criterion.text
        return {
            "id": text.id,
            "status": self.status,
            "points": 1 if self.status == "met" else 0,
            "value": self.value,
            "threshold": text.threshold,
            "sources": list(self.criterion.sources),
        }


# The interval criterion is "synchronous, or diagnosis < resection + 12 months". Derived
# already holds 0 for synchronous patients and otherwise the largest n with
# resection + n months <= diagnosis, so "interval < 12" is the same test; it also avoids
# computing a date past the calendar's end for resection dates in year 9999.
CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        text=CRITERION_TEXTS["node_positive_primary"],
        finding="primary_node_positive",
        value_of=lambda findings, derived: findings.primary_node_positive,
        is_met=lambda value: value is True,
    ),
    Criterion(
        text=CRITERION_TEXTS["disease_free_interval_under_12_months"],
        finding="liver_metastases_diagnosis_date",
        value_of=lambda findings, derived: derived.disease_free_interval_months,
        is_met=lambda months: months < DISEASE_FREE_INTERVAL_MONTHS.value,
    ),
    Criterion(
        text=CRITERION_TEXTS["more_than_one_liver_tumor"],
        finding="liver_tumor_count",
        value_of=lambda findings, derived: findings.liver_tumor_count,
        is_met=lambda count: count > LIVER_TUMOR_COUNT.value,
    ),
    Criterion(
        text=CRITERION_TEXTS["cea_over_200"],
        finding="cea_ng_ml",
        value_of=lambda findings, derived: findings.cea_ng_ml,
        is_met=lambda cea: cea > CEA_NG_ML.value,
    ),
    Criterion(
        text=CRITERION_TEXTS["largest_tumor_over_5cm"],
        finding="largest_liver_tumor_cm",
        value_of=lambda findings, derived: findings.largest_liver_tumor_cm,
        is_met=lambda size: size > LARGEST_TUMOR_CM.value,
    ),
)


def risk_group(score_min: int, score_max: int) -> RiskGroup:
    """Low when even the highest possible score is at most 2, high when even the lowest
    possible score is at least 3, otherwise undetermined."""
    if score_max <= RISK_GROUP_LOW_MAX:
        return "low"
    if score_min >= RISK_GROUP_HIGH_MIN:
        return "high"
    return "undetermined"


def survival_evidence(score_min: int, score_max: int) -> tuple[SurvivalRow, ...]:
    """Every survival row whose CRS group overlaps ``score_min``..``score_max``, in the
    order of the knowledge base."""
    return tuple(
        row for row in SURVIVAL_ROWS if row.score_low <= score_max and row.score_high >= score_min
    )


def survival_row_to_dict(row: SurvivalRow) -> dict[str, object]:
    """A survival row as it appears in the evaluator's output."""
    return {
        "source": row.source,
        "group": row.group,
        "five_year_survival_percent": row.five_year_survival_percent,
        "remark": row.remark,
    }


@dataclass(frozen=True, slots=True)
class FongScore:
    """The Fong clinical risk score of one patient, with its survival evidence.

    ``score`` is None when a criterion is unknown; the score is then the range
    ``score_min``..``score_max``.
    """

    criteria: tuple[CriterionResult, ...]
    score: int | None
    score_min: int
    score_max: int
    risk_group: RiskGroup
    survival_evidence: tuple[SurvivalRow, ...]

    @property
    def unknown_criteria(self) -> tuple[CriterionResult, ...]:
        """The criteria whose finding is unknown, in criterion order."""
        return tuple(c for c in self.criteria if c.status == "unknown")

    @property
    def display(self) -> str:
        """The score as shown to a clinician: "3", or a range such as "2–4"."""
        if self.score is not None:
            return str(self.score)
        return f"{self.score_min}–{self.score_max}"

    def to_dict(self) -> dict[str, object]:
        """The ``fong_crs`` object of the evaluator's output."""
        return {
            "criteria": [criterion.to_dict() for criterion in self.criteria],
            "score": self.score,
            "score_min": self.score_min,
            "score_max": self.score_max,
            "risk_group": self.risk_group,
            "survival_evidence": [survival_row_to_dict(row) for row in self.survival_evidence],
        }


def fong_score(findings: Findings, derived: Derived) -> FongScore:
    """Evaluate the five criteria and return the score, its range, the risk group and the
    survival rows that apply."""
    criteria = tuple(criterion.evaluate(findings, derived) for criterion in CRITERIA)
    statuses = [criterion.status for criterion in criteria]
    score_min = statuses.count("met")
    unknown = statuses.count("unknown")
    score_max = score_min + unknown
    return FongScore(
        criteria=criteria,
        score=score_min if unknown == 0 else None,
        score_min=score_min,
        score_max=score_max,
        risk_group=risk_group(score_min, score_max),
        survival_evidence=survival_evidence(score_min, score_max),
    )
