"""The systems that name codes and identifiers in the FHIR export (docs/api.md).

The app's own concepts (Fong criteria, the score, risk groups, recommendations, intents,
the rule set) are named in code systems under ``FHIR_BASE``, which the app defines here and
nowhere else. These URIs identify concepts; they are not fetched. The clinical contract
names no LOINC or SNOMED CT code, so the export uses none: a wrong code in a record system
is worse than none. HL7's own terminologies are used only for structural codes.
"""

from __future__ import annotations

from typing import Final

# A placeholder domain, the same at every site so that receivers can recognise the codes.
FHIR_BASE: Final = "https://crlm.example.org/fhir"
CODE_SYSTEM_BASE: Final = f"{FHIR_BASE}/CodeSystem"

CRITERION_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/fong-criterion"
SCORE_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/score"
FONG_CRS_CODE: Final = "fong-crs"
RISK_GROUP_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/fong-risk-group"
RECOMMENDATION_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/recommendation"
INTENT_SYSTEM: Final = f"{CODE_SYSTEM_BASE}/intent"

# A rule set is named ``{RULESET_BASE}/{id}/{version}``.
RULESET_BASE: Final = f"{FHIR_BASE}/ruleset"
# The SHA-256 of an assessment's stored record, as ``verify_audit`` recomputes it.
CONTENT_HASH_SYSTEM: Final = f"{FHIR_BASE}/assessment-sha256"

# HL7 terminologies, for structural codes only.
DATA_ABSENT_REASON_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
DATA_ABSENT_REASON_EXTENSION: Final = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
OBSERVATION_CATEGORY_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
IDENTIFIER_TYPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v2-0203"
PARTICIPANT_TYPE_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
ACT_REASON_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/v3-ActReason"


def ruleset_uri(ruleset_id: str, version: str) -> str:
    """The URI that names one version of a rule set."""
    return f"{RULESET_BASE}/{ruleset_id}/{version}"
