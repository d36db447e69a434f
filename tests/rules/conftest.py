"""Findings of the worked examples of spec section 8, as JSON-shaped mappings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from decision.rules import evaluate, parse_findings

AS_OF = date(2026, 11, 27)


@pytest.fixture
def as_of() -> date:
    """The evaluation date used throughout the rules tests."""
    return AS_OF


@pytest.fixture
def example_1() -> dict[str, object]:
    """Spec example 1: synchronous, fit, liver-only, resectable, primary in place, N+,
    3 tumors, largest 6 cm, CEA 250 (staging complete, asymptomatic)."""
    return {
        "fit_for_surgery": True,
        "symptomatic_primary": False,
        "primary_resected": False,
        "liver_metastases_diagnosis_date": "2026-10-01",
        "primary_node_positive": True,
        "liver_tumor_count": 3,
        "largest_liver_tumor_cm": 6,
        "cea_ng_ml": 250,
        "staging_complete": True,
        "liver_resectability": "resectable",
    }


@pytest.fixture
def example_3() -> dict[str, object]:
    """Spec example 3: fit, staging complete, no extrahepatic disease, primary resected
    2023-03-10, liver metastases found 2024-03-10 (exactly 12 months), N0, 1 tumor of
    5.0 cm, CEA 200, unresectable."""
    return {
        "fit_for_surgery": True,
        "symptomatic_primary": False,
        "primary_resected": True,
        "primary_resection_date": "2023-03-10",
        "liver_metastases_diagnosis_date": "2024-03-10",
        "primary_node_positive": False,
        "liver_tumor_count": 1,
        "largest_liver_tumor_cm": 5.0,
        "cea_ng_ml": 200,
        "staging_complete": True,
        "liver_resectability": "unresectable",
        "portal_lymph_nodes": False,
        "carcinomatosis": False,
        "lung_metastases": False,
        "other_extrahepatic_metastases": False,
    }


@pytest.fixture
def evaluated() -> Callable[..., dict]:
    """Parse, evaluate and serialise JSON-shaped findings, as the evaluator does."""

    def evaluate_raw(raw: dict[str, object], as_of: date = AS_OF) -> dict:
        return evaluate(parse_findings(raw, as_of=as_of), as_of=as_of).to_dict()

    return evaluate_raw
