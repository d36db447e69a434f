"""Turn a stored assessment into what its page shows. Pure functions, no queries.

The page always shows the result as it was computed and stored; the current rule set is
consulted only to say whether it would conclude differently today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from decision import rules
from decision.rules import knowledge

OUTCOME_LABELS = {"fired": "Fired", "passed": "Did not fire", "not_reached": "Not reached"}
STATUS_LABELS = {"met": "Met", "not_met": "Not met", "unknown": "Unknown"}


@dataclass(frozen=True)
class CriterionRow:
    id: str
    label: str
    value: str
    threshold: str
    status: str
    status_label: str
    points: int
    explanation: str
    sources: list[str]


@dataclass(frozen=True)
class FindingRow:
    section: str
    label: str
    value: str


@dataclass(frozen=True)
class ChartBar:
    label: str
    percent: float
    percent_text: str
    remark: str | None
    source: str
    y: int
    text_y: int
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    bars: list[ChartBar]
    width: int
    height: int
    label_width: int
    bar_area: int
    ticks: list[tuple[float, str]]
    title: str


def _yes_no(value: Any) -> str:
    return {True: "Yes", False: "No", None: "Unknown"}[value]


def _number(value: float | int) -> str:
    return f"{value:g}"


def finding_text(spec: rules.FieldSpec, value: Any) -> str:
    """A finding as a clinician reads it."""
    if spec.kind == "bool":
        return _yes_no(value)
    if value is None:
        return "Unknown" if spec.nullable and spec.kind != "date" else "—"
    if spec.kind == "choice":
        return dict(spec.choices or ()).get(value, str(value))
    if spec.name == "largest_liver_tumor_cm":
        return f"{_number(value)} cm"
    if spec.name == "cea_ng_ml":
        return f"{_number(value)} ng/mL"
    if isinstance(value, float | int):
        return _number(value)
    return str(value)


def finding_rows(findings: dict[str, Any]) -> list[FindingRow]:
    return [
        FindingRow(
            section=spec.section,
            label=spec.label,
            value=finding_text(spec, findings.get(spec.name, spec.default)),
        )
        for spec in rules.FINDINGS_FIELDS
    ]


def _criterion_value(criterion: dict[str, Any], derived: dict[str, Any]) -> str:
    value = criterion["value"]
    if criterion["id"] == "disease_free_interval_under_12_months":
        months = f"{value} month{'s' if value != 1 else ''}"
        return f"{months} (synchronous)" if derived.get("synchronous") else months
    if value is None:
        return "Unknown"
    if isinstance(value, bool):
        return "Node-positive" if value else "Node-negative"
    if criterion["id"] == "cea_over_200":
        return f"{_number(value)} ng/mL"
    if criterion["id"] == "largest_tumor_over_5cm":
        return f"{_number(value)} cm"
    return _number(value)


def criterion_rows(result: dict[str, Any]) -> list[CriterionRow]:
    rows = []
    for criterion in result["fong_crs"]["criteria"]:
        text = knowledge.CRITERION_TEXTS.get(criterion["id"])
        rows.append(
            CriterionRow(
                id=criterion["id"],
                label=text.label if text else criterion["id"],
                value=_criterion_value(criterion, result["derived"]),
                threshold=criterion["threshold"],
                status=criterion["status"],
                status_label=STATUS_LABELS.get(criterion["status"], criterion["status"]),
                points=criterion["points"],
                explanation=text.explanation if text else "",
                sources=list(criterion["sources"]),
            )
        )
    return rows


def spoken_list(items: list[str]) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def missing_findings(result: dict[str, Any]) -> list[str]:
    """Names of the findings whose absence makes the score a range."""
    names = []
    for criterion in result["fong_crs"]["criteria"]:
        text = knowledge.CRITERION_TEXTS.get(criterion["id"])
        if criterion["status"] == "unknown" and text and text.missing_finding:
            names.append(text.missing_finding)
    return names


def bar_chart(
    rows: list[tuple[str, float, str | None, str]], *, title: str, label_width: int = 190
) -> BarChart:
    """Geometry of a horizontal bar chart of percentages (0–100), drawn as inline SVG."""
    bar_area, row_height, top = 330, 30, 8
    bars = []
    for index, (label, percent, remark, source) in enumerate(rows):
        y = top + index * row_height
        width = bar_area * max(0.0, min(percent, 100.0)) / 100
        bars.append(
            ChartBar(
                label=label,
                percent=percent,
                percent_text=f"{_number(percent)}%",
                remark=remark,
                source=source,
                y=y,
                text_y=y + 15,
                width=round(width, 1),
                value_x=round(label_width + width + 6, 1),
            )
        )
    height = top + len(rows) * row_height + 24
    ticks = [(round(label_width + bar_area * t / 100, 1), f"{t}%") for t in (0, 25, 50, 75, 100)]
    return BarChart(
        bars=bars,
        width=label_width + bar_area + 60,
        height=height,
        label_width=label_width,
        bar_area=bar_area,
        ticks=ticks,
        title=title,
    )


def survival_chart(result: dict[str, Any]) -> BarChart:
    rows = [
        (
            f"{row['group']} · {row['source']}",
            row["five_year_survival_percent"],
            row["remark"],
            row["source"],
        )
        for row in result["fong_crs"]["survival_evidence"]
    ]
    return bar_chart(rows, title="5-year overall survival after hepatic resection")


def sources_list(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": source_id, "citation": source["citation"], "url": source["url"]}
        for source_id, source in sorted(result["sources"].items())
    ]


def trace_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    labels = {spec.name: spec.label for spec in rules.FINDINGS_FIELDS}
    rows = []
    for entry in result["trace"]:
        inputs = [
            (labels.get(name, name), finding_text(rules.FINDINGS_FIELDS_BY_NAME[name], value))
            if name in rules.FINDINGS_FIELDS_BY_NAME
            else (name, str(value))
            for name, value in entry["inputs"].items()
        ]
        rows.append(
            {
                **entry,
                "outcome_label": OUTCOME_LABELS.get(entry["outcome"], entry["outcome"]),
                "input_rows": inputs,
            }
        )
    return rows


def survival_wording(assessment: Any) -> dict[str, str]:
    """The sentences that frame the survival rows wherever they are shown (spec section 9),
    from the rules' knowledge."""
    return {
        "heading": knowledge.SURVIVAL_EVIDENCE_HEADING,
        "not_resection": knowledge.SURVIVAL_EVIDENCE_NOT_RESECTION,
        "range": knowledge.SURVIVAL_EVIDENCE_RANGE.format(score_range=assessment.score_text),
    }


def assessment_context(assessment: Any) -> dict[str, Any]:
    """Everything the assessment page shows (``includes/assessment_body.html``), built from
    the stored assessment; shared by the assessment page and the board's case view."""
    result = assessment.result
    return {
        "assessment": assessment,
        "patient": assessment.patient,
        "result": result,
        "findings": finding_rows(assessment.findings),
        "criteria": criterion_rows(result),
        "missing_findings": spoken_list(missing_findings(result)),
        "chart": survival_chart(result),
        "survival_wording": survival_wording(assessment),
        "trace": trace_rows(result),
        "sources": sources_list(result),
        "board_decision": assessment.latest_board_decision,
        "reevaluation": reevaluate(assessment.findings, result, as_of=assessment.encounter_date),
        "intended_use": rules.INTENDED_USE,
        "cohort": rules.FONG_1999_COHORT,
    }


@dataclass(frozen=True)
class Reevaluation:
    """How today's rule set sees the stored findings."""

    differs: bool
    ruleset_version: str
    differences: list[str]


def _conclusion(result: dict[str, Any]) -> dict[str, Any]:
    crs = result["fong_crs"]
    return {
        "recommendation": result["recommendation"]["code"],
        "score": (crs["score_min"], crs["score_max"]),
        "risk group": crs["risk_group"],
        "notes": [note["code"] for note in result["notes"]],
    }


def reevaluate(findings: dict[str, Any], stored: dict[str, Any], *, as_of: date) -> Reevaluation:
    """Compare the stored conclusion with what the current rule set concludes today."""
    current_version = rules.RULESET.version
    try:
        parsed = rules.parse_findings(findings, as_of=as_of)
    except rules.FindingsInvalid as invalid:
        return Reevaluation(
            differs=True,
            ruleset_version=current_version,
            differences=[
                f"the current rule set no longer accepts these findings ({field}: "
                f"{' '.join(messages)})"
                for field, messages in invalid.errors.items()
            ],
        )
    now = _conclusion(rules.evaluate(parsed, as_of=as_of).to_dict())
    then = _conclusion(stored)
    differences = [
        f"{key}: stored {_describe(then[key])}, today {_describe(now[key])}"
        for key in then
        if then[key] != now[key]
    ]
    return Reevaluation(
        differs=bool(differences), ruleset_version=current_version, differences=differences
    )


def _describe(value: Any) -> str:
    if isinstance(value, tuple):
        low, high = value
        return str(low) if low == high else f"{low}–{high}"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value)
