"""Recommendation rules R1 to R6, their trace, and the notes (spec section 5)."""

from __future__ import annotations

import pytest

RULE_IDS = ["R1", "R2", "R3", "R4", "R5", "R6"]

# Each rule's inputs as the spec's table names them.
RULE_INPUTS = {
    "R1": {"fit_for_surgery"},
    "R2": {
        "portal_lymph_nodes",
        "carcinomatosis",
        "lung_metastases",
        "other_extrahepatic_metastases",
        "symptomatic_primary",
    },
    "R3": {"staging_complete"},
    "R4": {"liver_resectability"},
    "R5": {"liver_resectability", "primary_resected"},
    "R6": {"liver_resectability", "primary_resected"},
}

RESECTED = {"primary_resected": True, "primary_resection_date": "2025-01-10"}

# (changes to example 1, rule that fires, code, intent), expected values from spec section 5.
FIRING = [
    ({}, "R5", "RESECT_PRIMARY_AND_LIVER_WITH_HAI", "curative"),
    ({"fit_for_surgery": False}, "R1", "NON_OPERATIVE", "non_operative"),
    ({"fit_for_surgery": False, "lung_metastases": True}, "R1", "NON_OPERATIVE", "non_operative"),
    (
        {
            "fit_for_surgery": False,
            "staging_complete": False,
            "liver_resectability": "undetermined",
        },
        "R1",
        "NON_OPERATIVE",
        "non_operative",
    ),
    ({"lung_metastases": True}, "R2", "SYSTEMIC_THERAPY", "palliative"),
    ({"portal_lymph_nodes": True}, "R2", "SYSTEMIC_THERAPY", "palliative"),
    ({"carcinomatosis": True}, "R2", "SYSTEMIC_THERAPY", "palliative"),
    ({"other_extrahepatic_metastases": True}, "R2", "SYSTEMIC_THERAPY", "palliative"),
    (
        {"lung_metastases": True, "symptomatic_primary": True},
        "R2",
        "PALLIATIVE_PRIMARY_RESECTION",
        "palliative",
    ),
    (
        {"carcinomatosis": True, "symptomatic_primary": True},
        "R2",
        "PALLIATIVE_PRIMARY_RESECTION",
        "palliative",
    ),
    ({"lung_metastases": True, "staging_complete": False}, "R2", "SYSTEMIC_THERAPY", "palliative"),
    (
        {"portal_lymph_nodes": True, **RESECTED},
        "R2",
        "SYSTEMIC_THERAPY",
        "palliative",
    ),
    ({"staging_complete": False}, "R3", "COMPLETE_STAGING", "workup"),
    (
        {"staging_complete": False, "liver_resectability": "undetermined"},
        "R3",
        "COMPLETE_STAGING",
        "workup",
    ),
    ({"liver_resectability": "undetermined"}, "R4", "ASSESS_RESECTABILITY", "workup"),
    ({**RESECTED}, "R5", "RESECT_LIVER_WITH_HAI", "curative"),
    ({"symptomatic_primary": True}, "R5", "RESECT_PRIMARY_AND_LIVER_WITH_HAI", "curative"),
    ({"liver_resectability": "unresectable"}, "R6", "RESECT_PRIMARY_WITH_HAI", "curative"),
    (
        {"liver_resectability": "unresectable", **RESECTED},
        "R6",
        "HAI_FOR_UNRESECTABLE",
        "curative",
    ),
]


@pytest.mark.parametrize(("changes", "rule", "code", "intent"), FIRING)
def test_the_first_rule_that_fires_gives_the_recommendation(
    evaluated, example_1, changes, rule, code, intent
):
    result = evaluated({**example_1, **changes})
    assert result["recommendation"]["code"] == code
    assert result["recommendation"]["intent"] == intent
    assert result["recommendation"]["text"]
    assert "kemeny-2006" in result["recommendation"]["sources"]

    fired_at = RULE_IDS.index(rule)
    expected = ["passed"] * fired_at + ["fired"] + ["not_reached"] * (5 - fired_at)
    assert [entry["rule"] for entry in result["trace"]] == RULE_IDS
    assert [entry["outcome"] for entry in result["trace"]] == expected


@pytest.mark.parametrize(("changes", "rule", "code", "intent"), FIRING)
def test_every_trace_entry_shows_the_findings_its_rule_looks_at(
    evaluated, example_1, changes, rule, code, intent
):
    raw = {
        "portal_lymph_nodes": False,
        "carcinomatosis": False,
        "lung_metastases": False,
        "other_extrahepatic_metastases": False,
        **example_1,
        **changes,
    }
    for entry in evaluated(raw)["trace"]:
        # Also for rules that were not reached.
        assert set(entry["inputs"]) == RULE_INPUTS[entry["rule"]]
        for name, value in entry["inputs"].items():
            assert value == raw[name]
        assert entry["explanation"]
        assert "kemeny-2006" in entry["sources"]


def test_example_5_unfit_stops_at_r1(evaluated, example_1):
    result = evaluated({**example_1, "fit_for_surgery": False})
    assert result["recommendation"]["code"] == "NON_OPERATIVE"
    assert [e["outcome"] for e in result["trace"][1:]] == ["not_reached"] * 5


def test_the_extrahepatic_recommendation_cites_the_series_that_excluded_such_patients(
    evaluated, example_1
):
    recommendation = evaluated({**example_1, "lung_metastases": True})["recommendation"]
    assert {"fong-1999", "nordlinger-1996"} <= set(recommendation["sources"])


def _note_codes(result: dict) -> list[str]:
    return [note["code"] for note in result["notes"]]


@pytest.mark.parametrize(
    ("changes", "notes"),
    [
        # Synchronous, curative, asymptomatic, score complete (example 1).
        ({}, ["SYNCHRONOUS_NOT_EXCLUSION", "NO_SYSTEMIC_CHEMOTHERAPY_FIRST", "EVIDENCE_CURRENCY"]),
        # Curative with a symptomatic primary.
        (
            {"symptomatic_primary": True},
            [
                "SYNCHRONOUS_NOT_EXCLUSION",
                "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
                "PRIMARY_SYMPTOMS",
                "EVIDENCE_CURRENCY",
            ],
        ),
        (
            {"symptomatic_primary": True, "liver_resectability": "unresectable"},
            [
                "SYNCHRONOUS_NOT_EXCLUSION",
                "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
                "PRIMARY_SYMPTOMS",
                "EVIDENCE_CURRENCY",
            ],
        ),
        # A symptomatic primary outside the curative intent gives no PRIMARY_SYMPTOMS note.
        (
            {"symptomatic_primary": True, "lung_metastases": True},
            ["SYNCHRONOUS_NOT_EXCLUSION", "EVIDENCE_CURRENCY"],
        ),
        (
            {"symptomatic_primary": True, "staging_complete": False},
            ["SYNCHRONOUS_NOT_EXCLUSION", "EVIDENCE_CURRENCY"],
        ),
        (
            {"symptomatic_primary": True, "fit_for_surgery": False},
            ["SYNCHRONOUS_NOT_EXCLUSION", "EVIDENCE_CURRENCY"],
        ),
        # Non-curative intents: no advice against systemic chemotherapy first.
        ({"fit_for_surgery": False}, ["SYNCHRONOUS_NOT_EXCLUSION", "EVIDENCE_CURRENCY"]),
        ({"lung_metastases": True}, ["SYNCHRONOUS_NOT_EXCLUSION", "EVIDENCE_CURRENCY"]),
        ({"staging_complete": False}, ["SYNCHRONOUS_NOT_EXCLUSION", "EVIDENCE_CURRENCY"]),
        (
            {"liver_resectability": "undetermined"},
            ["SYNCHRONOUS_NOT_EXCLUSION", "EVIDENCE_CURRENCY"],
        ),
        # Metachronous: no synchronous note.
        (
            {
                "primary_resected": True,
                "primary_resection_date": "2025-01-10",
            },
            ["NO_SYSTEMIC_CHEMOTHERAPY_FIRST", "EVIDENCE_CURRENCY"],
        ),
        # An unknown criterion adds CRS_INCOMPLETE just before EVIDENCE_CURRENCY.
        (
            {"cea_ng_ml": None},
            [
                "SYNCHRONOUS_NOT_EXCLUSION",
                "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
                "CRS_INCOMPLETE",
                "EVIDENCE_CURRENCY",
            ],
        ),
        (
            {"cea_ng_ml": None, "symptomatic_primary": True},
            [
                "SYNCHRONOUS_NOT_EXCLUSION",
                "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
                "PRIMARY_SYMPTOMS",
                "CRS_INCOMPLETE",
                "EVIDENCE_CURRENCY",
            ],
        ),
        (
            {"primary_node_positive": None, "fit_for_surgery": False},
            ["SYNCHRONOUS_NOT_EXCLUSION", "CRS_INCOMPLETE", "EVIDENCE_CURRENCY"],
        ),
    ],
)
def test_notes_appear_in_the_spec_order_when_their_condition_holds(
    evaluated, example_1, changes, notes
):
    assert _note_codes(evaluated({**example_1, **changes})) == notes


def test_the_notes_cite_their_sources(evaluated, example_1):
    notes = {
        note["code"]: note
        for note in evaluated({**example_1, "cea_ng_ml": None, "symptomatic_primary": True})[
            "notes"
        ]
    }
    assert notes["SYNCHRONOUS_NOT_EXCLUSION"]["sources"] == ["kemeny-2006"]
    assert notes["NO_SYSTEMIC_CHEMOTHERAPY_FIRST"]["sources"] == ["kemeny-2006"]
    assert {"eortc-40983", "esmo-2023", "e-ahpba-2023"} <= set(
        notes["EVIDENCE_CURRENCY"]["sources"]
    )
    for note in notes.values():
        assert note["text"]
        assert note["sources"]


def test_the_synchronous_note_gives_the_sources_survival_figure(evaluated, example_1):
    (note,) = [n for n in evaluated(example_1)["notes"] if n["code"] == "SYNCHRONOUS_NOT_EXCLUSION"]
    assert "25%" in note["text"]


@pytest.mark.parametrize(
    ("unknown", "named", "score_range"),
    [
        (["cea_ng_ml"], ["CEA"], "4–5"),
        (["primary_node_positive"], ["node status"], "4–5"),
        (["liver_tumor_count"], ["number of liver tumors"], "4–5"),
        (["largest_liver_tumor_cm"], ["largest liver tumor"], "4–5"),
        (
            ["primary_node_positive", "cea_ng_ml"],
            ["node status", "CEA"],
            "3–5",
        ),
    ],
)
def test_the_incomplete_score_note_names_the_range_and_the_missing_findings(
    evaluated, example_1, unknown, named, score_range
):
    raw = {**example_1, **dict.fromkeys(unknown)}
    (note,) = [n for n in evaluated(raw)["notes"] if n["code"] == "CRS_INCOMPLETE"]
    assert score_range in note["text"]
    for words in named:
        assert words in note["text"]


def test_the_evidence_currency_note_says_what_has_changed_since_2006(evaluated, example_1):
    (note,) = [n for n in evaluated(example_1)["notes"] if n["code"] == "EVIDENCE_CURRENCY"]
    assert "2006" in note["text"]
    assert "perioperative" in note["text"]
    assert "tumor board" in note["text"]
