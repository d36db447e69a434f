"""What each FHIR element says, checked against the clinical contract (spec sections 4, 5,
8 and 9): expected values come from the spec, not from the code under test."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from decision.core.hashing import sha256_hex
from decision.fhir.bundle import assessment_bundle
from tests.factories import EXAMPLE_1_FINDINGS, make_decision, make_meeting
from tests.fhir.conftest import BASE_URL, WORKED_EXAMPLES
from tests.fhir.validation import full_url_of, one, resources_of

pytestmark = pytest.mark.django_db

CRITERIA = [
    "node_positive_primary",
    "disease_free_interval_under_12_months",
    "more_than_one_liver_tumor",
    "cea_over_200",
    "largest_tumor_over_5cm",
]
CRITERION_SYSTEM = "https://crlm.example.org/fhir/CodeSystem/fong-criterion"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


def bundle_of(assessment, board_decision=None):
    return assessment_bundle(assessment, board_decision=board_decision, base_url=BASE_URL)


def criteria_of(bundle):
    return [
        observation
        for observation in resources_of(bundle, "Observation")
        if observation["code"]["coding"][0]["system"] == CRITERION_SYSTEM
    ]


def score_of(bundle):
    (score,) = [
        observation
        for observation in resources_of(bundle, "Observation")
        if observation["code"]["coding"][0]["system"] != CRITERION_SYSTEM
    ]
    return score


def output(bundle):
    (parameters,) = one(bundle, "GuidanceResponse")["contained"]
    return parameters["parameter"]


def parts(parameter):
    return {part["name"]: part for part in parameter["part"]}


@pytest.fixture
def example_1(store):
    return store(EXAMPLE_1_FINDINGS)


def test_example_1_patient(example_1, settings):
    patient = one(bundle_of(example_1), "Patient")

    mrn = patient["identifier"][0]
    assert (mrn["system"], mrn["value"]) == (settings.FHIR_MRN_SYSTEM, "MRN-4711")
    assert mrn["type"]["coding"][0]["code"] == "MR"
    assert patient["name"] == [{"family": "Rivera", "given": ["Ana"]}]
    assert (patient["gender"], patient["birthDate"]) == ("female", "1958-04-12")


def test_example_1_meets_every_criterion(example_1):
    bundle = bundle_of(example_1)
    patient_url = bundle["entry"][0]["fullUrl"]

    criteria = criteria_of(bundle)
    assert [criterion["code"]["coding"][0]["code"] for criterion in criteria] == CRITERIA
    for criterion in criteria:
        assert criterion["status"] == "final"
        assert criterion["valueBoolean"] is True
        assert "dataAbsentReason" not in criterion
        assert criterion["subject"] == {"reference": patient_url}
        assert criterion["effectiveDateTime"] == "2026-11-20"
    # Synchronous: the interval criterion is met with an interval of 0 months.
    assert "0 months (synchronous)" in criteria[1]["note"][0]["text"]


def test_example_1_scores_5_from_its_criteria(example_1):
    bundle = bundle_of(example_1)

    score = score_of(bundle)
    assert score["valueInteger"] == 5
    assert "valueRange" not in score
    assert score["code"]["coding"][0]["code"] == "fong-crs"
    assert score["derivedFrom"] == [
        {"reference": full_url_of(bundle, criterion)} for criterion in criteria_of(bundle)
    ]


def test_example_1_risk_assessment(example_1):
    bundle = bundle_of(example_1)
    risk = one(bundle, "RiskAssessment")

    assert risk["status"] == "final"
    assert risk["subject"] == {"reference": bundle["entry"][0]["fullUrl"]}
    assert risk["occurrenceDateTime"] == "2026-11-20"
    assert risk["identifier"] == [{"system": f"{BASE_URL}/assessments", "value": str(example_1.pk)}]
    observations = [full_url_of(bundle, o) for o in resources_of(bundle, "Observation")]
    assert risk["basis"] == [{"reference": url} for url in observations]


def test_example_1_method_is_the_fong_score_with_its_citation(example_1):
    method = one(bundle_of(example_1), "RiskAssessment")["method"]

    assert method["coding"][0]["code"] == "fong-crs"
    assert method["coding"][0]["display"] == "Fong clinical risk score"
    # Spec section 6, fong-1999.
    assert "Fong Y, Fortner J, Sun RL, Brennan MF, Blumgart LH." in method["text"]
    assert "Ann Surg 1999;230(3):309–318. PMID 10493478" in method["text"]


def test_example_1_prediction_is_high_risk_with_its_two_survival_rows(example_1):
    (prediction,) = one(bundle_of(example_1), "RiskAssessment")["prediction"]

    assert prediction["qualitativeRisk"]["coding"][0]["code"] == "high"
    assert prediction["qualitativeRisk"]["text"].startswith("High risk")
    assert prediction["outcome"]["text"] == (
        "5-year overall survival after hepatic resection, in published series"
    )
    rows = [line for line in prediction["rationale"].splitlines() if line.startswith("CRS ")]
    assert len(rows) == 2
    assert rows[0].startswith("CRS 5: 14% (kemeny-2006).")
    assert "no patient with a score of 5 was a long-term survivor" in rows[0]
    assert rows[1] == "CRS 4–5: 0% (mann-2004)."
    # Curative intent: the rows are not prefaced as being about another treatment.
    assert "not resection" not in prediction["rationale"]
    # The sources are cited in full (spec section 6).
    assert "Kemeny MM. Discussion of an asymptomatic patient" in prediction["rationale"]
    assert "Mann CD, et al. The clinical risk score" in prediction["rationale"]


def test_example_1_mitigation_is_the_recommendation_in_words(example_1):
    mitigation = one(bundle_of(example_1), "RiskAssessment")["mitigation"]

    label, intent, text = mitigation.split("\n")
    # Spec section 9's label and intent words.
    assert label == "Resect the primary and the liver metastases; place an HAI pump"
    assert intent == "Curative intent"
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI" not in mitigation
    assert "hepatic artery infusion" in text


def test_example_1_notes_are_its_three_notes_in_order(example_1):
    notes = [note["text"] for note in one(bundle_of(example_1), "RiskAssessment")["note"]]

    assert len(notes) == 3
    synchronous, no_chemotherapy_first, evidence_currency = notes
    assert "25%" in synchronous
    assert synchronous.endswith("Sources: kemeny-2006.")
    assert "chemotherapy" in no_chemotherapy_first
    assert no_chemotherapy_first.endswith("Sources: kemeny-2006.")
    assert "2006 source" in evidence_currency
    assert evidence_currency.endswith("Sources: eortc-40983, esmo-2023, e-ahpba-2023.")


def test_example_1_guidance_response(example_1):
    bundle = bundle_of(example_1)
    guidance = one(bundle, "GuidanceResponse")

    assert guidance["status"] == "success"
    assert guidance["moduleUri"] == (
        f"https://crlm.example.org/fhir/ruleset/kemeny-2006/{example_1.ruleset_version}"
    )
    assert guidance["subject"] == {"reference": bundle["entry"][0]["fullUrl"]}
    assert guidance["occurrenceDateTime"] == "2026-11-20"
    assert guidance["outputParameters"] == {"reference": "#output"}
    ruleset, recommendation, *_ = output(bundle)
    assert parts(ruleset)["id"]["valueString"] == "kemeny-2006"
    code = parts(recommendation)["code"]["valueCoding"]
    assert code["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    assert code["display"] == "Resect the primary and the liver metastases; place an HAI pump"
    assert parts(recommendation)["intent"]["valueCoding"]["code"] == "curative"


def test_example_1_trace_fires_r5_and_records_every_rule(example_1):
    *_, r1, r2, r3, r4, r5, r6 = output(bundle_of(example_1))

    outcomes = [
        (parts(rule)["rule"]["valueString"], parts(rule)["outcome"]["valueCode"])
        for rule in (r1, r2, r3, r4, r5, r6)
    ]
    assert outcomes == [
        ("R1", "passed"),
        ("R2", "passed"),
        ("R3", "passed"),
        ("R4", "passed"),
        ("R5", "fired"),
        ("R6", "not_reached"),
    ]
    inputs = {part["name"]: part for part in parts(r1)["inputs"]["part"]}
    assert inputs["fit_for_surgery"]["valueBoolean"] is True


def test_example_1_provenance(example_1, surgeon):
    bundle = bundle_of(example_1)
    provenance = one(bundle, "Provenance")

    targets = [target["reference"] for target in provenance["target"]]
    for resource_type in ("RiskAssessment", "GuidanceResponse"):
        assert full_url_of(bundle, one(bundle, resource_type)) in targets
    assert datetime.fromisoformat(provenance["recorded"]) == example_1.created_at
    (agent,) = provenance["agent"]
    assert agent["who"]["display"] == "Sam Cutter"
    (entity,) = provenance["entity"]
    assert entity["role"] == "source"
    assert entity["what"]["identifier"]["value"] == sha256_hex(example_1.hashed_content())
    assert "signature" not in provenance


def test_unknown_criteria_have_no_value_and_say_why(store):
    bundle = bundle_of(store(WORKED_EXAMPLES["example 4"]))

    by_code = {c["code"]["coding"][0]["code"]: c for c in criteria_of(bundle)}
    for unknown in ("node_positive_primary", "cea_over_200"):
        criterion = by_code[unknown]
        assert not [key for key in criterion if key.startswith("value")]
        reason = criterion["dataAbsentReason"]["coding"][0]
        assert (reason["system"], reason["code"]) == (DATA_ABSENT, "unknown")
    assert by_code["more_than_one_liver_tumor"]["valueBoolean"] is False


def test_an_incomplete_score_is_a_range_and_its_rows_cover_the_range(store):
    bundle = bundle_of(store(WORKED_EXAMPLES["example 4"]))

    score = score_of(bundle)
    assert score["valueRange"] == {"low": {"value": 0}, "high": {"value": 2}}
    assert "valueInteger" not in score
    (prediction,) = one(bundle, "RiskAssessment")["prediction"]
    assert prediction["qualitativeRisk"]["coding"][0]["code"] == "low"
    assert "range (0–2)" in prediction["rationale"]


def test_example_3_scores_0_low(store):
    bundle = bundle_of(store(WORKED_EXAMPLES["example 3"]))

    assert score_of(bundle)["valueInteger"] == 0
    assert all(criterion["valueBoolean"] is False for criterion in criteria_of(bundle))
    (prediction,) = one(bundle, "RiskAssessment")["prediction"]
    assert prediction["qualitativeRisk"]["coding"][0]["code"] == "low"


@pytest.mark.parametrize(
    ("example", "code"), [("example 2", "SYSTEMIC_THERAPY"), ("example 5", "NON_OPERATIVE")]
)
def test_survival_rows_for_a_patient_not_recommended_resection_say_so_first(store, example, code):
    bundle = bundle_of(store(WORKED_EXAMPLES[example]))

    assert parts(output(bundle)[1])["code"]["valueCoding"]["code"] == code
    (prediction,) = one(bundle, "RiskAssessment")["prediction"]
    assert prediction["rationale"].startswith(
        "These figures describe patients whose liver metastases were resected. "
        "The recommendation for this patient is not resection."
    )


def test_a_correction_is_amended_and_names_what_it_revises(store):
    first = store(EXAMPLE_1_FINDINGS)
    correction = store(
        {**EXAMPLE_1_FINDINGS, "cea_ng_ml": 150.0},
        supersedes=first,
        supersede_reason="CEA was mistyped",
        encounter_date=date(2026, 11, 21),
    )
    bundle = bundle_of(correction)

    risk = one(bundle, "RiskAssessment")
    assert risk["status"] == "amended"
    assert risk["occurrenceDateTime"] == "2026-11-21"
    assert any("CEA was mistyped" in note["text"] for note in risk["note"])
    revised = one(bundle, "Provenance")["entity"][1]
    assert revised["role"] == "revision"
    assert revised["what"]["identifier"]["value"] == str(first.pk)


def test_a_corrected_assessment_stays_final_and_says_it_was_corrected(store):
    first = store(EXAMPLE_1_FINDINGS)
    correction = store(EXAMPLE_1_FINDINGS, supersedes=first, supersede_reason="Wrong date")
    first.refresh_from_db()

    risk = one(bundle_of(first), "RiskAssessment")

    assert risk["status"] == "final"
    assert any(
        str(correction.pk) in note["text"] and "Wrong date" in note["text"] for note in risk["note"]
    )


def test_the_boards_decision_travels_labelled_as_the_boards(example_1, board_member):
    meeting = make_meeting(board_member)
    decision = make_decision(
        example_1,
        board_member,
        outcome="alternative",
        plan="Perioperative chemotherapy, then resection",
        meeting=meeting,
    )

    risk = one(bundle_of(example_1, decision), "RiskAssessment")

    board_note = risk["note"][-1]
    assert board_note["text"].startswith("Tumor board decision: Alternative plan.")
    assert "Plan: Perioperative chemotherapy, then resection" in board_note["text"]
    assert f"Meeting of {meeting.meeting_date.isoformat()}" in board_note["text"]
    assert "by Bea Board" in board_note["text"]
    assert board_note["authorString"] == "Bea Board"
    # The rules' own recommendation is unchanged beside it.
    assert risk["mitigation"].startswith("Resect the primary and the liver metastases")


def test_without_a_board_decision_no_note_claims_one(example_1):
    notes = one(bundle_of(example_1), "RiskAssessment")["note"]

    assert not any("Tumor board" in note["text"] for note in notes)


def test_a_missing_trace_input_says_why_and_numbers_are_the_same_on_every_database():
    from fhir.resources.R4B.parameters import Parameters

    from decision.fhir.resources import typed_value

    missing = {"name": "primary_node_positive", **typed_value(None)}
    Parameters.model_validate({"resourceType": "Parameters", "parameter": [missing]})
    assert "valueString" not in missing
    assert missing["_valueString"]["extension"][0]["valueCode"] == "unknown"
    assert typed_value(6.0) == typed_value(6) == {"valueDecimal": 6}
    assert typed_value(6.5) == {"valueDecimal": 6.5}
