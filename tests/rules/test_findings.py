"""Findings validation (spec section 2): every rule, every field, all errors at once."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from decision.rules import (
    FINDINGS_FIELDS,
    Findings,
    FindingsInvalid,
    evaluate,
    parse_findings,
)

REQUIRED = [
    "fit_for_surgery",
    "symptomatic_primary",
    "primary_resected",
    "liver_metastases_diagnosis_date",
    "staging_complete",
    "liver_resectability",
]
OPTIONAL_BOOLS = [
    "portal_lymph_nodes",
    "carcinomatosis",
    "lung_metastases",
    "other_extrahepatic_metastases",
]
NULLABLE = ["primary_node_positive", "liver_tumor_count", "largest_liver_tumor_cm", "cea_ng_ml"]
BOOLS = ["fit_for_surgery", "symptomatic_primary", "primary_resected", "staging_complete"]
BOOLS += ["primary_node_positive", *OPTIONAL_BOOLS]
DATES = ["liver_metastases_diagnosis_date", "primary_resection_date"]
NUMBERS = ["liver_tumor_count", "largest_liver_tumor_cm", "cea_ng_ml"]


def errors_for(raw: dict, as_of: date) -> dict[str, list[str]]:
    with pytest.raises(FindingsInvalid) as raised:
        parse_findings(raw, as_of=as_of)
    return raised.value.errors


def metachronous(example_3: dict, **changes) -> dict:
    """Example 3 (primary resected) with changes; dates in it can be varied."""
    return {**example_3, **changes}


def test_the_worked_examples_are_valid(example_1, example_3, as_of):
    assert isinstance(parse_findings(example_1, as_of=as_of), Findings)
    assert isinstance(parse_findings(example_3, as_of=as_of), Findings)


def test_it_returns_typed_values(example_3, as_of):
    findings = parse_findings(example_3, as_of=as_of)
    assert findings.primary_resection_date == date(2023, 3, 10)
    assert findings.liver_metastases_diagnosis_date == date(2024, 3, 10)
    assert findings.liver_tumor_count == 1
    assert findings.largest_liver_tumor_cm == 5.0
    assert findings.cea_ng_ml == 200
    assert findings.liver_resectability == "unresectable"


def test_findings_are_frozen(example_3, as_of):
    findings = parse_findings(example_3, as_of=as_of)
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings.cea_ng_ml = 1  # type: ignore[misc]


@pytest.mark.parametrize("field", REQUIRED)
def test_it_requires_each_required_finding(example_1, as_of, field):
    raw = dict(example_1)
    del raw[field]
    assert errors_for(raw, as_of) == {field: ["This finding is required."]}


@pytest.mark.parametrize("field", REQUIRED)
def test_it_rejects_null_for_a_required_finding(example_1, as_of, field):
    assert list(errors_for({**example_1, field: None}, as_of)) == [field]


@pytest.mark.parametrize("field", OPTIONAL_BOOLS)
def test_an_absent_extrahepatic_finding_is_false(example_1, as_of, field):
    raw = {k: v for k, v in example_1.items() if k not in OPTIONAL_BOOLS}
    assert getattr(parse_findings(raw, as_of=as_of), field) is False


@pytest.mark.parametrize("field", OPTIONAL_BOOLS)
def test_null_is_not_false_for_an_extrahepatic_finding(example_1, as_of, field):
    assert errors_for({**example_1, field: None}, as_of) == {field: ["Must be true or false."]}


@pytest.mark.parametrize("field", NULLABLE)
@pytest.mark.parametrize("given_as", ["null", "absent"])
def test_a_nullable_finding_is_unknown_when_null_or_absent(example_1, as_of, field, given_as):
    raw = dict(example_1)
    if given_as == "null":
        raw[field] = None
    else:
        del raw[field]
    assert getattr(parse_findings(raw, as_of=as_of), field) is None


@pytest.mark.parametrize("field", BOOLS)
@pytest.mark.parametrize("value", ["yes", "true", 1, 0, 1.0, "", [], {}])
def test_a_boolean_must_be_a_json_boolean(example_1, as_of, field, value):
    assert errors_for({**example_1, field: value}, as_of) == {field: ["Must be true or false."]}


@pytest.mark.parametrize("field", NUMBERS)
@pytest.mark.parametrize("value", ["12", True, False, [3], {"value": 3}, ""])
def test_a_number_must_be_a_json_number(example_1, as_of, field, value):
    assert list(errors_for({**example_1, field: value}, as_of)) == [field]


@pytest.mark.parametrize("field", ["largest_liver_tumor_cm", "cea_ng_ml"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_measurement_must_be_finite(example_1, as_of, field, value):
    assert errors_for({**example_1, field: value}, as_of) == {field: ["Must be a finite number."]}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2.5, 0.5, "3"])
def test_the_tumor_count_must_be_a_whole_number(example_1, as_of, value):
    assert list(errors_for({**example_1, "liver_tumor_count": value}, as_of)) == [
        "liver_tumor_count"
    ]


def test_a_whole_float_count_is_accepted_as_an_integer(example_1, as_of):
    count = parse_findings({**example_1, "liver_tumor_count": 3.0}, as_of=as_of).liver_tumor_count
    assert count == 3
    assert type(count) is int


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("liver_tumor_count", 0, "Must be between 1 and 200."),
        ("liver_tumor_count", 201, "Must be between 1 and 200."),
        ("liver_tumor_count", -1, "Must be between 1 and 200."),
        ("largest_liver_tumor_cm", 0, "Must be greater than 0 and at most 40 (cm)."),
        ("largest_liver_tumor_cm", 0.0, "Must be greater than 0 and at most 40 (cm)."),
        ("largest_liver_tumor_cm", -0.5, "Must be greater than 0 and at most 40 (cm)."),
        ("largest_liver_tumor_cm", 40.01, "Must be greater than 0 and at most 40 (cm)."),
        ("cea_ng_ml", -0.1, None),
        ("cea_ng_ml", 100000.1, None),
        ("cea_ng_ml", 1e300, None),
    ],
)
def test_numbers_outside_their_range_are_rejected(example_1, as_of, field, value, message):
    errors = errors_for({**example_1, field: value}, as_of)
    assert list(errors) == [field]
    if message is not None:
        assert errors[field] == [message]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("liver_tumor_count", 1),
        ("liver_tumor_count", 200),
        ("largest_liver_tumor_cm", 0.01),
        ("largest_liver_tumor_cm", 40),
        ("largest_liver_tumor_cm", 40.0),
        ("cea_ng_ml", 0),
        ("cea_ng_ml", 0.0),
        ("cea_ng_ml", 100000),
    ],
)
def test_numbers_at_the_ends_of_their_range_are_accepted(example_1, as_of, field, value):
    assert getattr(parse_findings({**example_1, field: value}, as_of=as_of), field) == value


@pytest.mark.parametrize("field", DATES)
@pytest.mark.parametrize(
    "value",
    [
        "2024-1-05",
        "20240105",
        "2024-W01-1",
        "2024-01-05T00:00",
        "2024-01-05 ",
        " 2024-01-05",
        "2024-01-05\n",
        "05/01/2024",
        "２０２４-01-05",
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "",
        20240105,
        True,
        ["2024-01-05"],
    ],
)
def test_a_date_must_be_a_real_iso_date(example_3, as_of, field, value):
    errors = errors_for(metachronous(example_3, **{field: value}), as_of)
    assert errors == {field: ["Must be a date in the form YYYY-MM-DD."]}


def test_a_leap_day_is_a_real_date(example_3, as_of):
    raw = metachronous(example_3, primary_resection_date="2024-02-29")
    assert parse_findings(raw, as_of=as_of).primary_resection_date == date(2024, 2, 29)


@pytest.mark.parametrize("field", DATES)
def test_a_date_must_not_be_before_1900(example_3, as_of, field):
    raw = metachronous(example_3, **{field: "1899-12-31"})
    assert list(errors_for(raw, as_of)) == [field]


def test_1900_01_01_is_accepted(example_3, as_of):
    raw = metachronous(example_3, primary_resection_date="1900-01-01")
    assert parse_findings(raw, as_of=as_of).primary_resection_date == date(1900, 1, 1)


@pytest.mark.parametrize("field", DATES)
def test_a_date_must_not_be_after_the_evaluation_date(example_3, field):
    raw = metachronous(
        example_3,
        primary_resection_date="2024-03-10",
        liver_metastases_diagnosis_date="2024-03-10",
    )
    assert parse_findings(raw, as_of=date(2024, 3, 10))  # on the evaluation date is fine
    raw[field] = "2024-03-11"
    assert errors_for(raw, date(2024, 3, 10)) == {
        field: ["Must not be after the evaluation date (2024-03-10)."]
    }


def test_the_evaluation_date_decides_what_is_in_the_future(example_1):
    raw = {**example_1, "liver_metastases_diagnosis_date": "2026-11-28"}
    assert parse_findings(raw, as_of=date(2026, 11, 28))
    assert errors_for(raw, date(2026, 11, 27)) == {
        "liver_metastases_diagnosis_date": ["Must not be after the evaluation date (2026-11-27)."]
    }


@pytest.mark.parametrize("value", ["Resectable", "resectable ", "yes", "", 1, True, ["resectable"]])
def test_resectability_must_be_one_of_the_three_choices(example_1, as_of, value):
    assert list(errors_for({**example_1, "liver_resectability": value}, as_of)) == [
        "liver_resectability"
    ]


@pytest.mark.parametrize("value", ["resectable", "unresectable", "undetermined"])
def test_each_resectability_choice_is_accepted(example_1, as_of, value):
    raw = {**example_1, "liver_resectability": value}
    assert parse_findings(raw, as_of=as_of).liver_resectability == value


@pytest.mark.parametrize("key", ["cea", "CEA_ng_ml", "fit_for_surgery ", "lung_metastasis", ""])
def test_an_unknown_key_is_an_error_on_that_key(example_1, as_of, key):
    assert errors_for({**example_1, key: True}, as_of) == {
        key: ["Not a known finding; check the spelling."]
    }


def test_a_resected_primary_needs_its_resection_date(example_3, as_of):
    raw = dict(example_3)
    del raw["primary_resection_date"]
    assert list(errors_for(raw, as_of)) == ["primary_resection_date"]
    assert list(errors_for({**raw, "primary_resection_date": None}, as_of)) == [
        "primary_resection_date"
    ]


def test_a_primary_in_place_has_no_resection_date(example_1, as_of):
    raw = {**example_1, "primary_resection_date": "2025-01-10"}
    assert list(errors_for(raw, as_of)) == ["primary_resection_date"]
    assert parse_findings({**example_1, "primary_resection_date": None}, as_of=as_of)


def test_a_resected_primary_cannot_be_symptomatic(example_3, as_of):
    raw = {**example_3, "symptomatic_primary": True}
    assert list(errors_for(raw, as_of)) == ["symptomatic_primary"]


def test_example_6_reports_symptoms_and_the_missing_date_together(example_1, as_of):
    raw = {**example_1, "primary_resected": True, "symptomatic_primary": True}
    assert set(errors_for(raw, as_of)) == {"symptomatic_primary", "primary_resection_date"}


def test_the_resection_checks_wait_for_a_valid_primary_resected(example_1, as_of):
    # With primary_resected itself invalid, neither a date nor symptoms can be judged.
    raw = {
        **example_1,
        "primary_resected": "yes",
        "symptomatic_primary": True,
        "primary_resection_date": "2025-01-10",
    }
    assert errors_for(raw, as_of) == {"primary_resected": ["Must be true or false."]}


def test_a_malformed_resection_date_gets_one_clear_message(example_3, as_of):
    raw = {**example_3, "primary_resection_date": "10/03/2023"}
    assert errors_for(raw, as_of) == {
        "primary_resection_date": ["Must be a date in the form YYYY-MM-DD."]
    }


def test_it_reports_every_offending_field_at_once(as_of):
    raw = {
        "fit_for_surgery": "yes",
        "symptomatic_primary": True,
        "primary_resected": True,
        "liver_metastases_diagnosis_date": "2030-01-01",
        "primary_node_positive": 1,
        "liver_tumor_count": 0,
        "largest_liver_tumor_cm": 41,
        "cea_ng_ml": "12",
        "liver_resectability": "maybe",
        "lung_metastases": None,
        "colour": "blue",
    }
    assert set(errors_for(raw, as_of)) == {
        "fit_for_surgery",
        "symptomatic_primary",
        "primary_resection_date",
        "liver_metastases_diagnosis_date",
        "primary_node_positive",
        "liver_tumor_count",
        "largest_liver_tumor_cm",
        "cea_ng_ml",
        "staging_complete",
        "liver_resectability",
        "lung_metastases",
        "colour",
    }


def test_every_message_is_a_plain_sentence(as_of):
    errors = errors_for({"fit_for_surgery": 1, "cea_ng_ml": "x", "typo": 1}, as_of)
    for messages in errors.values():
        for message in messages:
            assert message[0].isupper()
            assert message.endswith(".")


def test_date_values_from_a_form_are_accepted_but_not_datetimes(example_3, as_of):
    raw = {**example_3, "primary_resection_date": date(2023, 3, 10)}
    assert parse_findings(raw, as_of=as_of).primary_resection_date == date(2023, 3, 10)
    raw["primary_resection_date"] = datetime(2023, 3, 10, 12, 0)
    assert list(errors_for(raw, as_of)) == ["primary_resection_date"]


def test_findings_round_trip_through_their_json_shape(example_3, as_of):
    findings = parse_findings(example_3, as_of=as_of)
    assert findings.to_dict() == example_3
    assert parse_findings(findings.to_dict(), as_of=as_of) == findings


def test_findings_built_directly_are_checked_before_evaluation(as_of):
    inconsistent = Findings(
        fit_for_surgery=True,
        symptomatic_primary=False,
        primary_resected=True,
        primary_resection_date=None,
        liver_metastases_diagnosis_date=date(2024, 3, 10),
        staging_complete=True,
        liver_resectability="resectable",
    )
    with pytest.raises(FindingsInvalid) as raised:
        evaluate(inconsistent, as_of=as_of)
    assert list(raised.value.errors) == ["primary_resection_date"]


def test_parsed_findings_are_checked_again_for_an_earlier_evaluation_date(example_1):
    findings = parse_findings(example_1, as_of=date(2026, 11, 27))
    assert evaluate(findings, as_of=date(2027, 1, 1))
    with pytest.raises(FindingsInvalid):
        evaluate(findings, as_of=date(2026, 9, 30))


def test_changed_findings_are_checked_again(example_1, as_of):
    findings = parse_findings(example_1, as_of=as_of)
    with pytest.raises(FindingsInvalid):
        evaluate(dataclasses.replace(findings, liver_tumor_count=0), as_of=as_of)


def test_the_field_metadata_follows_the_spec_table():
    by_name = {spec.name: spec for spec in FINDINGS_FIELDS}
    assert [spec.name for spec in FINDINGS_FIELDS] == [
        "fit_for_surgery",
        "symptomatic_primary",
        "primary_resected",
        "primary_resection_date",
        "primary_node_positive",
        "liver_metastases_diagnosis_date",
        "liver_tumor_count",
        "largest_liver_tumor_cm",
        "cea_ng_ml",
        "portal_lymph_nodes",
        "carcinomatosis",
        "lung_metastases",
        "other_extrahepatic_metastases",
        "staging_complete",
        "liver_resectability",
    ]
    assert {name for name, spec in by_name.items() if spec.required} == set(REQUIRED)
    assert {name for name, spec in by_name.items() if spec.nullable} == {
        *NULLABLE,
        "primary_resection_date",
    }
    for name in OPTIONAL_BOOLS:
        assert by_name[name].default is False
    assert (by_name["liver_tumor_count"].minimum, by_name["liver_tumor_count"].maximum) == (1, 200)
    assert (
        by_name["largest_liver_tumor_cm"].minimum,
        by_name["largest_liver_tumor_cm"].maximum,
    ) == (
        0,
        40,
    )
    assert by_name["largest_liver_tumor_cm"].exclusive_minimum is True
    assert (by_name["cea_ng_ml"].minimum, by_name["cea_ng_ml"].maximum) == (0, 100000)
    assert [value for value, _label in by_name["liver_resectability"].choices] == [
        "resectable",
        "unresectable",
        "undetermined",
    ]
    assert "200 ng/mL" in by_name["cea_ng_ml"].help_text
    assert "fong-1999" in by_name["cea_ng_ml"].help_text
    assert "µg/L" in by_name["cea_ng_ml"].help_text
    assert "5 cm" in by_name["largest_liver_tumor_cm"].help_text
    for spec in FINDINGS_FIELDS:
        assert spec.label
        assert spec.help_text


def test_the_field_metadata_is_grouped_by_section_in_form_order():
    sections: dict[str, list[str]] = {}
    for spec in FINDINGS_FIELDS:
        sections.setdefault(spec.section, []).append(spec.name)
    assert sections == {
        "Patient status": ["fit_for_surgery"],
        "Primary tumor": [
            "symptomatic_primary",
            "primary_resected",
            "primary_resection_date",
            "primary_node_positive",
        ],
        "Liver metastases": [
            "liver_metastases_diagnosis_date",
            "liver_tumor_count",
            "largest_liver_tumor_cm",
            "cea_ng_ml",
        ],
        "Extrahepatic disease": OPTIONAL_BOOLS,
        "Staging and resectability": ["staging_complete", "liver_resectability"],
    }
