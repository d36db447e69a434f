"""The evaluation result: the worked examples of spec section 8 and the output object of
spec section 7."""

from __future__ import annotations

import json
import re

import pytest

from decision.rules import RULESET, FindingsInvalid, evaluate, parse_findings

TOP_LEVEL_KEYS = {"ruleset", "derived", "fong_crs", "recommendation", "notes", "trace", "sources"}


def test_example_1_synchronous_resectable_high_risk(evaluated, example_1):
    result = evaluated(example_1)
    assert result["derived"] == {"synchronous": True, "disease_free_interval_months": 0}
    crs = result["fong_crs"]
    (interval,) = [c for c in crs["criteria"] if c["id"] == "disease_free_interval_under_12_months"]
    assert interval["status"] == "met"
    assert (crs["score"], crs["score_min"], crs["score_max"]) == (5, 5, 5)
    assert crs["risk_group"] == "high"
    assert [(r["source"], r["group"]) for r in crs["survival_evidence"]] == [
        ("kemeny-2006", "CRS 5"),
        ("mann-2004", "CRS 4–5"),
    ]
    assert result["recommendation"]["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    assert [n["code"] for n in result["notes"]] == [
        "SYNCHRONOUS_NOT_EXCLUSION",
        "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
        "EVIDENCE_CURRENCY",
    ]


def test_example_2_lung_metastases_asymptomatic(evaluated, example_1):
    result = evaluated({**example_1, "lung_metastases": True})
    assert result["recommendation"]["code"] == "SYSTEMIC_THERAPY"
    assert [n["code"] for n in result["notes"]] == [
        "SYNCHRONOUS_NOT_EXCLUSION",
        "EVIDENCE_CURRENCY",
    ]


def test_example_3_exactly_at_every_threshold(evaluated, example_3):
    result = evaluated(example_3)
    crs = result["fong_crs"]
    assert crs["score"] == 0
    assert crs["risk_group"] == "low"
    assert result["derived"] == {"synchronous": False, "disease_free_interval_months": 12}
    assert result["recommendation"]["code"] == "HAI_FOR_UNRESECTABLE"
    assert [n["code"] for n in result["notes"]] == [
        "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
        "EVIDENCE_CURRENCY",
    ]


def test_example_4_node_status_and_cea_unknown(evaluated, example_3):
    result = evaluated({**example_3, "primary_node_positive": None, "cea_ng_ml": None})
    crs = result["fong_crs"]
    assert crs["score"] is None
    assert (crs["score_min"], crs["score_max"]) == (0, 2)
    assert crs["risk_group"] == "low"
    assert result["recommendation"]["code"] == "HAI_FOR_UNRESECTABLE"
    assert [n["code"] for n in result["notes"]] == [
        "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
        "CRS_INCOMPLETE",
        "EVIDENCE_CURRENCY",
    ]


def test_example_5_not_fit_for_surgery(evaluated, example_1):
    result = evaluated({**example_1, "fit_for_surgery": False})
    assert result["recommendation"]["code"] == "NON_OPERATIVE"
    assert [(e["rule"], e["outcome"]) for e in result["trace"]] == [
        ("R1", "fired"),
        ("R2", "not_reached"),
        ("R3", "not_reached"),
        ("R4", "not_reached"),
        ("R5", "not_reached"),
        ("R6", "not_reached"),
    ]


def test_example_6_resected_and_symptomatic_without_a_date(example_1, as_of):
    raw = {**example_1, "primary_resected": True, "symptomatic_primary": True}
    with pytest.raises(FindingsInvalid) as raised:
        parse_findings(raw, as_of=as_of)
    assert set(raised.value.errors) == {"symptomatic_primary", "primary_resection_date"}


def test_the_output_object_has_exactly_the_contracts_keys(evaluated, example_1):
    result = evaluated({**example_1, "cea_ng_ml": None})
    assert set(result) == TOP_LEVEL_KEYS
    assert result["ruleset"] == {"id": "kemeny-2006", "version": RULESET.version}
    assert re.fullmatch(r"\d+\.\d+\.\d+", result["ruleset"]["version"])
    assert set(result["derived"]) == {"synchronous", "disease_free_interval_months"}
    assert set(result["fong_crs"]) == {
        "criteria",
        "score",
        "score_min",
        "score_max",
        "risk_group",
        "survival_evidence",
    }
    for criterion in result["fong_crs"]["criteria"]:
        assert set(criterion) == {"id", "status", "points", "value", "threshold", "sources"}
    for row in result["fong_crs"]["survival_evidence"]:
        assert set(row) == {"source", "group", "five_year_survival_percent", "remark"}
    assert set(result["recommendation"]) == {"code", "intent", "text", "sources"}
    for note in result["notes"]:
        assert set(note) == {"code", "text", "sources"}
    for entry in result["trace"]:
        assert set(entry) == {"rule", "outcome", "inputs", "explanation", "sources"}
    for source in result["sources"].values():
        assert set(source) == {"citation", "url"}


def _source_ids_used(result: dict) -> set[str]:
    used = set(result["recommendation"]["sources"])
    for part in (result["fong_crs"]["criteria"], result["notes"], result["trace"]):
        for item in part:
            used.update(item["sources"])
    used.update(row["source"] for row in result["fong_crs"]["survival_evidence"])
    return used


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"cea_ng_ml": None},
        {"fit_for_surgery": False},
        {"lung_metastases": True},
        {"primary_node_positive": False, "liver_tumor_count": 1, "cea_ng_ml": 5},
    ],
)
def test_sources_hold_every_id_used_and_no_other(evaluated, example_1, changes):
    result = evaluated({**example_1, **changes})
    assert set(result["sources"]) == _source_ids_used(result)


def test_example_1_does_not_cite_the_oslo_series_it_does_not_show(evaluated, example_1):
    # Mala 2002 rows are CRS 0–2 and 3–4; neither overlaps a score of 5.
    assert "mala-2002" not in evaluated(example_1)["sources"]


PUBMED = {
    "fong-1999": "10493478",
    "nordlinger-1996": "8608500",
    "mala-2002": "12297926",
    "mann-2004": "15545561",
    "e-ahpba-2023": "37442562",
}


def test_sources_link_to_pubmed_only_where_the_spec_gives_a_pmid(evaluated, example_3):
    sources = evaluated({**example_3, "lung_metastases": True, "cea_ng_ml": None})["sources"]
    for source_id, source in sources.items():
        if source_id in PUBMED:
            assert source["url"] == f"https://pubmed.ncbi.nlm.nih.gov/{PUBMED[source_id]}/"
            assert f"PMID {PUBMED[source_id]}" in source["citation"]
        else:
            assert source["url"] is None
    assert sources["fong-1999"]["citation"].startswith("Fong Y, Fortner J")


def test_the_output_is_plain_json(evaluated, example_1):
    result = evaluated({**example_1, "cea_ng_ml": None})
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_the_result_keeps_the_findings_and_evaluation_date(example_1, as_of):
    findings = parse_findings(example_1, as_of=as_of)
    result = evaluate(findings, as_of=as_of)
    assert result.findings == findings
    assert result.as_of == as_of
    assert result.fong_crs.display == "5"
    assert result.recommendation.code == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"


def test_a_score_range_is_displayed_with_an_en_dash(example_3, as_of):
    findings = parse_findings(
        {**example_3, "primary_node_positive": None, "cea_ng_ml": None}, as_of=as_of
    )
    assert evaluate(findings, as_of=as_of).fong_crs.display == "0–2"
