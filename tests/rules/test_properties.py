"""Properties that hold for every valid set of findings, and for any input at all."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from decision.rules import (
    FindingsInvalid,
    add_months,
    evaluate,
    evaluate_json_bytes,
    parse_findings,
    render_json,
)

AS_OF = date(2026, 11, 27)
NOTE_ORDER = [
    "SYNCHRONOUS_NOT_EXCLUSION",
    "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
    "PRIMARY_SYMPTOMS",
    "CRS_INCOMPLETE",
    "EVIDENCE_CURRENCY",
]
DATES = st.dates(min_value=date(1900, 1, 1), max_value=AS_OF)
# Dates close together exercise the interval criterion's boundary far more often.
NEAR_DAYS = st.integers(min_value=-40, max_value=800)

ABSENT = object()


def _optional(draw, values) -> object:
    """A value for an optional finding: absent, null or a valid value."""
    return draw(st.one_of(st.just(ABSENT), st.none(), values))


@st.composite
def valid_findings(draw) -> dict[str, object]:
    resected = draw(st.booleans())
    diagnosis = draw(DATES)
    raw: dict[str, object] = {
        "fit_for_surgery": draw(st.booleans()),
        "symptomatic_primary": False if resected else draw(st.booleans()),
        "primary_resected": resected,
        "liver_metastases_diagnosis_date": diagnosis.isoformat(),
        "staging_complete": draw(st.booleans()),
        "liver_resectability": draw(
            st.sampled_from(["resectable", "unresectable", "undetermined"])
        ),
    }
    if resected:
        resection = diagnosis - timedelta(days=draw(NEAR_DAYS))
        resection = min(max(resection, date(1900, 1, 1)), AS_OF)
        raw["primary_resection_date"] = draw(st.sampled_from([resection, draw(DATES)])).isoformat()
    elif draw(st.booleans()):
        raw["primary_resection_date"] = None
    optional = {
        "primary_node_positive": st.booleans(),
        "liver_tumor_count": st.one_of(
            st.integers(min_value=1, max_value=200),
            st.integers(min_value=1, max_value=200).map(float),
        ),
        "largest_liver_tumor_cm": st.one_of(
            st.floats(min_value=0, max_value=40, exclude_min=True),
            st.integers(min_value=1, max_value=40),
            st.sampled_from([5, 5.0, 5.01, 4.99]),
        ),
        "cea_ng_ml": st.one_of(
            st.floats(min_value=0, max_value=100_000),
            st.integers(min_value=0, max_value=100_000),
            st.sampled_from([200, 200.0, 200.1, 199.9]),
        ),
    }
    for name, values in optional.items():
        value = _optional(draw, values)
        if value is not ABSENT:
            raw[name] = value
    for name in (
        "portal_lymph_nodes",
        "carcinomatosis",
        "lung_metastases",
        "other_extrahepatic_metastases",
    ):
        value = draw(st.one_of(st.just(ABSENT), st.booleans()))
        if value is not ABSENT:
            raw[name] = value
    return raw


def _evaluate(raw: dict[str, object], as_of: date = AS_OF) -> dict:
    return evaluate(parse_findings(raw, as_of=as_of), as_of=as_of).to_dict()


@given(valid_findings())
def test_the_score_range_is_consistent(raw):
    crs = _evaluate(raw)["fong_crs"]
    assert 0 <= crs["score_min"] <= crs["score_max"] <= 5
    statuses = [c["status"] for c in crs["criteria"]]
    assert crs["score_min"] == statuses.count("met")
    assert crs["score_max"] == statuses.count("met") + statuses.count("unknown")
    if "unknown" in statuses:
        assert crs["score"] is None
    else:
        assert crs["score"] == crs["score_min"] == crs["score_max"]
    if crs["score_max"] <= 2:
        assert crs["risk_group"] == "low"
    elif crs["score_min"] >= 3:
        assert crs["risk_group"] == "high"
    else:
        assert crs["risk_group"] == "undetermined"
    assert crs["survival_evidence"]


@given(valid_findings())
def test_exactly_one_rule_fires_and_the_trace_is_ordered(raw):
    outcomes = [entry["outcome"] for entry in _evaluate(raw)["trace"]]
    assert outcomes.count("fired") == 1
    fired_at = outcomes.index("fired")
    assert outcomes[:fired_at] == ["passed"] * fired_at
    assert outcomes[fired_at + 1 :] == ["not_reached"] * (5 - fired_at)


@given(valid_findings())
def test_the_last_note_is_evidence_currency_and_notes_keep_the_spec_order(raw):
    codes = [note["code"] for note in _evaluate(raw)["notes"]]
    assert codes[-1] == "EVIDENCE_CURRENCY"
    assert codes == sorted(codes, key=NOTE_ORDER.index)
    assert len(codes) == len(set(codes))


@given(valid_findings())
def test_evaluation_is_deterministic(raw):
    first, second = _evaluate(raw), _evaluate(dict(raw))
    assert first == second
    assert render_json(first) == render_json(second)


@given(valid_findings())
def test_the_interval_criterion_follows_the_spec_definition(raw):
    findings = parse_findings(raw, as_of=AS_OF)
    result = evaluate(findings, as_of=AS_OF)
    synchronous = not findings.primary_resected or (
        findings.primary_resection_date >= findings.liver_metastases_diagnosis_date
    )
    expected_met = synchronous or (
        findings.liver_metastases_diagnosis_date < add_months(findings.primary_resection_date, 12)
    )
    (interval,) = [
        c for c in result.fong_crs.criteria if c.id == "disease_free_interval_under_12_months"
    ]
    assert result.derived.synchronous is synchronous
    assert (interval.status == "met") is expected_met


@given(valid_findings())
def test_sources_hold_exactly_the_ids_used(raw):
    result = _evaluate(raw)
    used = set(result["recommendation"]["sources"])
    for part in (result["fong_crs"]["criteria"], result["notes"], result["trace"]):
        for item in part:
            used.update(item["sources"])
    used.update(row["source"] for row in result["fong_crs"]["survival_evidence"])
    assert set(result["sources"]) == used


@given(valid_findings(), st.integers(min_value=0, max_value=20_000))
def test_a_later_evaluation_date_does_not_change_the_result(raw, days):
    later = AS_OF + timedelta(days=days)
    assert _evaluate(raw) == _evaluate(raw, as_of=later)


@given(valid_findings())
def test_findings_survive_a_trip_through_json_bytes(raw):
    body = json.dumps(raw).encode("utf-8")
    assert evaluate_json_bytes(body, as_of=AS_OF) == _evaluate(raw)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=30), children, max_size=6)
    ),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(
    [
        "fit_for_surgery",
        "symptomatic_primary",
        "primary_resected",
        "primary_resection_date",
        "liver_metastases_diagnosis_date",
        "primary_node_positive",
        "liver_tumor_count",
        "largest_liver_tumor_cm",
        "cea_ng_ml",
        "staging_complete",
        "liver_resectability",
        "portal_lymph_nodes",
    ]
)


@given(st.dictionaries(FIELD_NAMES | st.text(max_size=10), JSON_VALUES, max_size=15))
def test_any_object_either_evaluates_or_names_its_bad_fields(raw):
    try:
        result = evaluate_json_bytes(json.dumps(raw).encode("utf-8", "surrogatepass"), as_of=AS_OF)
    except FindingsInvalid as invalid:
        assert invalid.errors
        assert all(messages for messages in invalid.errors.values())
        render_json({"errors": invalid.errors}).encode("utf-8")
    else:
        render_json(result).encode("utf-8")


@given(st.binary(max_size=300) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_either_evaluate_or_give_errors(raw):
    try:
        evaluate_json_bytes(raw, as_of=AS_OF)
    except FindingsInvalid as invalid:
        assert invalid.errors
