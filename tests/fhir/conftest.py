"""The worked examples of spec section 8, stored through the real services."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import EXAMPLE_1_FINDINGS, EXAMPLE_3_FINDINGS, make_assessment, make_patient

BASE_URL = "https://crlm.hospital.example"

# Spec section 8, examples 1 to 5 (example 6 is invalid input, which is never stored).
WORKED_EXAMPLES: dict[str, dict[str, Any]] = {
    "example 1": EXAMPLE_1_FINDINGS,
    "example 2": {**EXAMPLE_1_FINDINGS, "lung_metastases": True},
    "example 3": EXAMPLE_3_FINDINGS,
    "example 4": {**EXAMPLE_3_FINDINGS, "primary_node_positive": None, "cea_ng_ml": None},
    "example 5": {**EXAMPLE_1_FINDINGS, "fit_for_surgery": False},
}


@pytest.fixture
def patient(surgeon):
    return make_patient(surgeon, mrn="MRN-4711", family_name="Rivera", given_name="Ana")


@pytest.fixture
def store(patient, surgeon):
    """Store an assessment of ``patient`` with the given findings."""

    def stored(findings: dict[str, Any], **options: Any):
        return make_assessment(patient, surgeon, findings=findings, **options)

    return stored
