"""The worked examples of the clinical contract (spec section 8), as the API receives them."""

from __future__ import annotations

from tests.factories import EXAMPLE_1_FINDINGS, EXAMPLE_3_FINDINGS

AS_OF = "2026-11-27"

EXAMPLE_1 = EXAMPLE_1_FINDINGS
EXAMPLE_2 = {**EXAMPLE_1, "lung_metastases": True}
EXAMPLE_3 = EXAMPLE_3_FINDINGS
EXAMPLE_4 = {**EXAMPLE_3, "primary_node_positive": None, "cea_ng_ml": None}
EXAMPLE_5 = {**EXAMPLE_1, "fit_for_surgery": False}
EXAMPLE_6 = {**EXAMPLE_1, "primary_resected": True, "symptomatic_primary": True}

# (example, recommendation code, score or None, score range) as the spec states them.
EXPECTED = [
    (EXAMPLE_1, "RESECT_PRIMARY_AND_LIVER_WITH_HAI", 5, (5, 5)),
    (EXAMPLE_2, "SYSTEMIC_THERAPY", 5, (5, 5)),
    (EXAMPLE_3, "HAI_FOR_UNRESECTABLE", 0, (0, 0)),
    (EXAMPLE_4, "HAI_FOR_UNRESECTABLE", None, (0, 2)),
    (EXAMPLE_5, "NON_OPERATIVE", 5, (5, 5)),
]
