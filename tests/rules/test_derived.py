"""Derived values (spec section 3): calendar months, synchronicity, disease-free interval."""

from __future__ import annotations

from datetime import date

import pytest

from decision.rules import add_months, parse_findings, whole_months_between
from decision.rules.derived import derive


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # The spec's own examples.
        ("2023-02-28", 12, "2024-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        # The day of the month is kept...
        ("2023-01-15", 12, "2024-01-15"),
        ("2023-03-10", 12, "2024-03-10"),
        ("2023-12-15", 1, "2024-01-15"),
        # ...and a day the target month lacks becomes its last day.
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-03-31", 1, "2023-04-30"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2023-05-31", 0, "2023-05-31"),
    ],
)
def test_add_months_keeps_the_day_or_clamps_to_the_month_end(start, months, expected):
    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # The spec's own examples.
        ("2023-01-15", "2024-01-14", 11),
        ("2023-01-15", "2024-01-15", 12),
        # Example 3: exactly 12 months.
        ("2023-03-10", "2024-03-10", 12),
        ("2023-03-10", "2024-03-09", 11),
        # Leap days: 2024-02-29 + 12 months is 2025-02-28.
        ("2024-02-29", "2025-02-28", 12),
        ("2024-02-29", "2025-02-27", 11),
        ("2023-02-28", "2024-02-28", 12),
        ("2023-02-28", "2024-02-27", 11),
        # Month ends: 2023-01-31 + 1 month is 2023-02-28.
        ("2023-01-31", "2023-02-28", 1),
        ("2023-01-31", "2023-02-27", 0),
        ("2023-06-01", "2023-06-01", 0),
        ("2023-06-01", "2023-06-30", 0),
        ("2023-06-01", "2023-07-01", 1),
    ],
)
def test_whole_months_between_counts_only_complete_calendar_months(start, end, expected):
    assert whole_months_between(date.fromisoformat(start), date.fromisoformat(end)) == expected


def _findings(example_3, as_of, **changes):
    return parse_findings({**example_3, **changes}, as_of=as_of)


def test_it_is_synchronous_when_the_primary_is_still_in_place(example_3, as_of):
    findings = _findings(example_3, as_of, primary_resected=False, primary_resection_date=None)
    derived = derive(findings)
    assert derived.synchronous is True
    assert derived.disease_free_interval_months == 0


def test_it_is_synchronous_when_the_primary_was_resected_on_the_diagnosis_date(example_3, as_of):
    findings = _findings(
        example_3,
        as_of,
        primary_resection_date="2024-03-10",
        liver_metastases_diagnosis_date="2024-03-10",
    )
    assert derive(findings).synchronous is True
    assert derive(findings).disease_free_interval_months == 0


def test_it_is_synchronous_when_the_primary_was_resected_after_the_diagnosis(example_3, as_of):
    findings = _findings(
        example_3,
        as_of,
        primary_resection_date="2024-05-02",
        liver_metastases_diagnosis_date="2024-03-10",
    )
    assert derive(findings).synchronous is True
    assert derive(findings).disease_free_interval_months == 0


@pytest.mark.parametrize(
    ("resection", "diagnosis", "months"),
    [
        ("2024-03-09", "2024-03-10", 0),
        ("2023-03-10", "2024-03-10", 12),
        ("2023-03-10", "2024-03-09", 11),
        ("2024-02-29", "2025-02-28", 12),
        ("2020-01-01", "2024-06-30", 53),
    ],
)
def test_it_is_metachronous_when_the_primary_was_resected_before_the_diagnosis(
    example_3, as_of, resection, diagnosis, months
):
    findings = _findings(
        example_3,
        as_of,
        primary_resection_date=resection,
        liver_metastases_diagnosis_date=diagnosis,
    )
    derived = derive(findings)
    assert derived.synchronous is False
    assert derived.disease_free_interval_months == months


def test_it_counts_the_interval_up_to_the_last_day_of_the_calendar():
    # A resection in the calendar's last year must not overflow when the interval criterion
    # looks 12 months ahead.
    as_of = date(9999, 12, 31)
    raw = {
        "fit_for_surgery": True,
        "symptomatic_primary": False,
        "primary_resected": True,
        "primary_resection_date": "9999-06-30",
        "liver_metastases_diagnosis_date": "9999-12-31",
        "staging_complete": True,
        "liver_resectability": "resectable",
    }
    derived = derive(parse_findings(raw, as_of=as_of))
    assert derived.synchronous is False
    assert derived.disease_free_interval_months == 6
