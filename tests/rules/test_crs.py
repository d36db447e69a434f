"""The Fong clinical risk score (spec section 4): criteria, strict thresholds, unknowns,
risk groups and survival evidence."""

from __future__ import annotations

import pytest

from decision.rules.crs import risk_group

CRITERIA_IDS = [
    "node_positive_primary",
    "disease_free_interval_under_12_months",
    "more_than_one_liver_tumor",
    "cea_over_200",
    "largest_tumor_over_5cm",
]


def _criterion(result: dict, criterion_id: str) -> dict:
    (criterion,) = [c for c in result["fong_crs"]["criteria"] if c["id"] == criterion_id]
    return criterion


def test_it_lists_the_five_criteria_in_the_spec_order(evaluated, example_3):
    criteria = evaluated(example_3)["fong_crs"]["criteria"]
    assert [c["id"] for c in criteria] == CRITERIA_IDS
    for criterion in criteria:
        assert criterion["sources"] == ["fong-1999"]


def test_example_3_scores_zero_at_every_threshold(evaluated, example_3):
    # Exactly 12 months, N0, 1 tumor, exactly 5.0 cm, exactly 200 ng/mL: all score 0.
    crs = evaluated(example_3)["fong_crs"]
    assert [c["status"] for c in crs["criteria"]] == ["not_met"] * 5
    assert [c["points"] for c in crs["criteria"]] == [0] * 5
    assert (crs["score"], crs["score_min"], crs["score_max"]) == (0, 0, 0)
    assert crs["risk_group"] == "low"


@pytest.mark.parametrize(
    ("criterion_id", "changes", "status", "value"),
    [
        # CEA: strictly above 200 ng/mL.
        ("cea_over_200", {"cea_ng_ml": 200}, "not_met", 200),
        ("cea_over_200", {"cea_ng_ml": 200.0}, "not_met", 200.0),
        ("cea_over_200", {"cea_ng_ml": 200.1}, "met", 200.1),
        ("cea_over_200", {"cea_ng_ml": 0}, "not_met", 0),
        ("cea_over_200", {"cea_ng_ml": 100000}, "met", 100000),
        ("cea_over_200", {"cea_ng_ml": None}, "unknown", None),
        # Largest tumor: strictly above 5 cm.
        ("largest_tumor_over_5cm", {"largest_liver_tumor_cm": 5.0}, "not_met", 5.0),
        ("largest_tumor_over_5cm", {"largest_liver_tumor_cm": 5}, "not_met", 5),
        ("largest_tumor_over_5cm", {"largest_liver_tumor_cm": 5.01}, "met", 5.01),
        ("largest_tumor_over_5cm", {"largest_liver_tumor_cm": 4.99}, "not_met", 4.99),
        ("largest_tumor_over_5cm", {"largest_liver_tumor_cm": None}, "unknown", None),
        # Tumor count: more than one.
        ("more_than_one_liver_tumor", {"liver_tumor_count": 1}, "not_met", 1),
        ("more_than_one_liver_tumor", {"liver_tumor_count": 2}, "met", 2),
        ("more_than_one_liver_tumor", {"liver_tumor_count": 2.0}, "met", 2),
        ("more_than_one_liver_tumor", {"liver_tumor_count": None}, "unknown", None),
        # Node status of the primary.
        ("node_positive_primary", {"primary_node_positive": True}, "met", True),
        ("node_positive_primary", {"primary_node_positive": False}, "not_met", False),
        ("node_positive_primary", {"primary_node_positive": None}, "unknown", None),
        # Disease-free interval: strictly under 12 months; the value is the interval.
        (
            "disease_free_interval_under_12_months",
            {"liver_metastases_diagnosis_date": "2024-03-10"},
            "not_met",
            12,
        ),
        (
            "disease_free_interval_under_12_months",
            {"liver_metastases_diagnosis_date": "2024-03-09"},
            "met",
            11,
        ),
        (
            "disease_free_interval_under_12_months",
            {
                "primary_resection_date": "2024-02-29",
                "liver_metastases_diagnosis_date": "2025-02-28",
            },
            "not_met",
            12,
        ),
        (
            "disease_free_interval_under_12_months",
            {
                "primary_resection_date": "2024-02-29",
                "liver_metastases_diagnosis_date": "2025-02-27",
            },
            "met",
            11,
        ),
        (
            "disease_free_interval_under_12_months",
            {
                "primary_resection_date": "2023-02-28",
                "liver_metastases_diagnosis_date": "2024-02-28",
            },
            "not_met",
            12,
        ),
        (
            "disease_free_interval_under_12_months",
            {
                "primary_resection_date": "2023-01-15",
                "liver_metastases_diagnosis_date": "2024-01-14",
            },
            "met",
            11,
        ),
        # Synchronous patients meet it with an interval of 0.
        (
            "disease_free_interval_under_12_months",
            {"primary_resected": False, "primary_resection_date": None},
            "met",
            0,
        ),
        (
            "disease_free_interval_under_12_months",
            {"primary_resection_date": "2024-03-10"},
            "met",
            0,
        ),
    ],
)
def test_each_criterion_is_strict_at_its_threshold(
    evaluated, example_3, criterion_id, changes, status, value
):
    criterion = _criterion(evaluated({**example_3, **changes}), criterion_id)
    assert criterion["status"] == status
    assert criterion["points"] == (1 if status == "met" else 0)
    assert criterion["value"] == value
    assert type(criterion["value"]) is type(value)


@pytest.mark.parametrize(
    ("criterion_id", "number"),
    [
        ("cea_over_200", "200"),
        ("largest_tumor_over_5cm", "5"),
        ("more_than_one_liver_tumor", "1"),
        ("disease_free_interval_under_12_months", "12"),
    ],
)
def test_each_threshold_is_shown_with_its_number(evaluated, example_3, criterion_id, number):
    assert number in _criterion(evaluated(example_3), criterion_id)["threshold"]


def test_the_cea_threshold_reads_as_in_the_paper(evaluated, example_3):
    assert _criterion(evaluated(example_3), "cea_over_200")["threshold"] == "> 200 ng/mL"


@pytest.mark.parametrize(
    "unknown",
    ["primary_node_positive", "liver_tumor_count", "largest_liver_tumor_cm", "cea_ng_ml"],
)
@pytest.mark.parametrize("given_as", ["null", "absent"])
def test_each_unknown_widens_the_score_into_a_range(evaluated, example_3, unknown, given_as):
    raw = dict(example_3)
    if given_as == "null":
        raw[unknown] = None
    else:
        del raw[unknown]
    crs = evaluated(raw)["fong_crs"]
    assert crs["score"] is None
    assert (crs["score_min"], crs["score_max"]) == (0, 1)
    assert [c["status"] for c in crs["criteria"]].count("unknown") == 1
    assert crs["risk_group"] == "low"


def test_all_unknowns_together_leave_the_risk_group_undetermined(evaluated, example_3):
    raw = {
        **example_3,
        "primary_node_positive": None,
        "liver_tumor_count": None,
        "largest_liver_tumor_cm": None,
        "cea_ng_ml": None,
    }
    crs = evaluated(raw)["fong_crs"]
    assert crs["score"] is None
    assert (crs["score_min"], crs["score_max"]) == (0, 4)
    assert crs["risk_group"] == "undetermined"
    statuses = [c["status"] for c in crs["criteria"]]
    assert statuses == ["unknown", "not_met", "unknown", "unknown", "unknown"]
    assert all(c["points"] == 0 for c in crs["criteria"])


def test_an_unknown_criterion_scores_zero_but_counts_in_score_max(evaluated, example_1):
    # Example 1 scores 5; with CEA unknown the range is 4–5, still high.
    crs = evaluated({**example_1, "cea_ng_ml": None})["fong_crs"]
    assert (crs["score"], crs["score_min"], crs["score_max"]) == (None, 4, 5)
    assert crs["risk_group"] == "high"


@pytest.mark.parametrize(
    ("score_min", "score_max", "group"),
    [
        (0, 0, "low"),
        (1, 1, "low"),
        (2, 2, "low"),
        (3, 3, "high"),
        (4, 4, "high"),
        (5, 5, "high"),
        (0, 2, "low"),
        (1, 2, "low"),
        (2, 3, "undetermined"),
        (1, 3, "undetermined"),
        (0, 4, "undetermined"),
        (2, 5, "undetermined"),
        (3, 4, "high"),
        (3, 5, "high"),
    ],
)
def test_the_risk_group_is_low_up_to_2_and_high_from_3(score_min, score_max, group):
    assert risk_group(score_min, score_max) == group


def _with_score(example_3: dict, score: int) -> dict:
    """Example 3 (score 0) with the first ``score`` criteria made to score."""
    scoring = [
        {"primary_node_positive": True},
        {"liver_metastases_diagnosis_date": "2023-09-10"},
        {"liver_tumor_count": 2},
        {"cea_ng_ml": 200.1},
        {"largest_liver_tumor_cm": 5.01},
    ]
    raw = dict(example_3)
    for changes in scoring[:score]:
        raw.update(changes)
    return raw


# (source, group, 5-year survival %) rows of the spec's table, in its order.
KEMENY_0 = ("kemeny-2006", "CRS 0", 60)
KEMENY_5 = ("kemeny-2006", "CRS 5", 14)
MALA_0_2 = ("mala-2002", "CRS 0–2", 40)
MALA_3_4 = ("mala-2002", "CRS 3–4", 12)
MANN_0_1 = ("mann-2004", "CRS 0–1", 72.5)
MANN_2_3 = ("mann-2004", "CRS 2–3", 31.2)
MANN_4_5 = ("mann-2004", "CRS 4–5", 0)


@pytest.mark.parametrize(
    ("score", "rows", "risk"),
    [
        (0, [KEMENY_0, MALA_0_2, MANN_0_1], "low"),
        (1, [MALA_0_2, MANN_0_1], "low"),
        (2, [MALA_0_2, MANN_2_3], "low"),
        (3, [MALA_3_4, MANN_2_3], "high"),
        (4, [MALA_3_4, MANN_4_5], "high"),
        (5, [KEMENY_5, MANN_4_5], "high"),
    ],
)
def test_each_score_shows_the_survival_rows_of_its_group(evaluated, example_3, score, rows, risk):
    crs = evaluated(_with_score(example_3, score))["fong_crs"]
    assert crs["score"] == score
    assert crs["risk_group"] == risk
    shown = [
        (r["source"], r["group"], r["five_year_survival_percent"]) for r in crs["survival_evidence"]
    ]
    assert shown == rows


@pytest.mark.parametrize(
    ("score", "unknown", "score_range", "rows"),
    [
        # Example 4: 0–2.
        (
            0,
            ["primary_node_positive", "cea_ng_ml"],
            (0, 2),
            [KEMENY_0, MALA_0_2, MANN_0_1, MANN_2_3],
        ),
        (
            2,
            ["primary_node_positive", "cea_ng_ml"],
            (1, 3),
            [MALA_0_2, MALA_3_4, MANN_0_1, MANN_2_3],
        ),
        (
            2,
            ["liver_tumor_count", "cea_ng_ml"],
            (2, 4),
            [MALA_0_2, MALA_3_4, MANN_2_3, MANN_4_5],
        ),
        (
            5,
            ["primary_node_positive", "liver_tumor_count", "cea_ng_ml", "largest_liver_tumor_cm"],
            (1, 5),
            [KEMENY_5, MALA_0_2, MALA_3_4, MANN_0_1, MANN_2_3, MANN_4_5],
        ),
    ],
)
def test_a_score_range_shows_every_row_it_overlaps(
    evaluated, example_3, score, unknown, score_range, rows
):
    raw = _with_score(example_3, score)
    for name in unknown:
        raw[name] = None
    crs = evaluated(raw)["fong_crs"]
    assert (crs["score_min"], crs["score_max"]) == score_range
    shown = [
        (r["source"], r["group"], r["five_year_survival_percent"]) for r in crs["survival_evidence"]
    ]
    assert shown == rows


def test_the_crs_5_row_carries_the_long_term_survivor_remark(evaluated, example_1):
    (row,) = [
        r for r in evaluated(example_1)["fong_crs"]["survival_evidence"] if r["group"] == "CRS 5"
    ]
    assert "no patient with a score of 5 was a long-term survivor" in row["remark"]
    assert "Fong 1999" in row["remark"]


def test_the_interval_criterion_explains_its_reading_of_the_sources():
    from decision.rules import CRITERIA

    (interval,) = [c for c in CRITERIA if c.id == "disease_free_interval_under_12_months"]
    assert "≤12 or >12 months" in interval.explanation
    assert "<12 months" in interval.explanation
    assert "follows the paper" in interval.explanation
    assert "Synchronous" in interval.explanation
    assert "0 months" in interval.explanation
