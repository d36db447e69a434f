"""Every Bundle the export produces is valid FHIR R4 and complete in itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from decision.clinic import selectors
from decision.fhir import codes
from decision.fhir.bundle import assessment_bundle, patient_bundle
from tests.factories import (
    EXAMPLE_1_FINDINGS,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_meeting,
    make_patient,
)
from tests.fhir.conftest import BASE_URL, WORKED_EXAMPLES
from tests.fhir.validation import keys, one, resources_of, systems, validate

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def bundle_of(assessment, board_decision=None):
    return assessment_bundle(assessment, board_decision=board_decision, base_url=BASE_URL)


@pytest.mark.parametrize("example", WORKED_EXAMPLES)
def test_each_worked_example_gives_a_valid_self_contained_bundle(store, example):
    bundle = bundle_of(store(WORKED_EXAMPLES[example]))

    validate(bundle)
    assert bundle["type"] == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds == [
        "Patient",
        *["Observation"] * 6,
        "RiskAssessment",
        "GuidanceResponse",
        "Provenance",
    ]


def test_the_validator_refuses_what_r4_does_not_allow(store):
    bundle = bundle_of(store(EXAMPLE_1_FINDINGS))
    one(bundle, "RiskAssessment")["prediction"][0]["probabilityPercent"] = 14

    with pytest.raises(ValidationError):
        validate(bundle)


def test_a_correction_with_a_board_decision_is_valid(store, board_member):
    first = store(EXAMPLE_1_FINDINGS)
    correction = store(
        {**EXAMPLE_1_FINDINGS, "cea_ng_ml": 150.0}, supersedes=first, supersede_reason="CEA typo"
    )
    decision = make_decision(
        correction,
        board_member,
        outcome="alternative",
        plan="Perioperative chemotherapy first",
        meeting=make_meeting(board_member),
    )

    validate(bundle_of(correction, decision))
    validate(bundle_of(selectors.assessment_get(first.pk)))


def test_the_patient_bundle_holds_the_patient_once_and_every_assessment(
    patient, store, board_member
):
    first = store(EXAMPLE_1_FINDINGS)
    correction = store(EXAMPLE_1_FINDINGS, supersedes=first, supersede_reason="Wrong date")
    later = store(EXAMPLE_3_FINDINGS)
    decision = make_decision(correction, board_member)
    entries = [(first, None), (correction, decision), (later, None)]

    bundle = patient_bundle(patient, entries, base_url=BASE_URL)

    validate(bundle)
    assert len(resources_of(bundle, "Patient")) == 1
    assert len(resources_of(bundle, "RiskAssessment")) == 3
    assert len(resources_of(bundle, "Observation")) == 3 * 6
    full_urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    statuses = [risk["status"] for risk in resources_of(bundle, "RiskAssessment")]
    assert statuses == ["final", "amended", "final"]


def test_a_patient_without_assessments_gives_a_bundle_of_the_patient(patient):
    bundle = patient_bundle(patient, [], base_url=BASE_URL)

    validate(bundle)
    assert [entry["resource"]["resourceType"] for entry in bundle["entry"]] == ["Patient"]


def test_the_patient_bundle_refuses_another_patients_assessment(patient, surgeon):
    other = make_assessment(make_patient(surgeon), surgeon)

    with pytest.raises(ValueError, match="is not of patient"):
        patient_bundle(patient, [(other, None)], base_url=BASE_URL)


def test_a_board_decision_on_another_assessment_is_refused(store, board_member):
    decided = store(EXAMPLE_1_FINDINGS)
    other = store(EXAMPLE_3_FINDINGS)

    with pytest.raises(ValueError, match="is not on assessment"):
        bundle_of(other, make_decision(decided, board_member))


def test_the_same_assessment_always_gives_the_same_bundle(store):
    assessment = store(EXAMPLE_1_FINDINGS)

    assert bundle_of(assessment) == bundle_of(selectors.assessment_get(assessment.pk))


def test_entry_addresses_are_uuids_and_the_patient_keeps_its_address(patient, store):
    bundles = [bundle_of(store(EXAMPLE_1_FINDINGS)), bundle_of(store(EXAMPLE_3_FINDINGS))]

    for bundle in bundles:
        assert all(entry["fullUrl"].startswith("urn:uuid:") for entry in bundle["entry"])
    assert bundles[0]["entry"][0]["fullUrl"] == bundles[1]["entry"][0]["fullUrl"]
    assert bundles[0]["entry"][1]["fullUrl"] != bundles[1]["entry"][1]["fullUrl"]


@pytest.mark.parametrize("example", WORKED_EXAMPLES)
def test_no_bundle_carries_a_loinc_or_snomed_code(store, example, settings):
    bundle = bundle_of(store(WORKED_EXAMPLES[example]))

    allowed = (
        codes.FHIR_BASE,
        "http://terminology.hl7.org/CodeSystem/",
        settings.FHIR_MRN_SYSTEM,
        BASE_URL,
    )
    assert all(system.startswith(allowed) for system in systems(bundle))
    text = str(bundle).lower()
    assert "loinc" not in text
    assert "snomed" not in text


@pytest.mark.parametrize("example", WORKED_EXAMPLES)
def test_no_bundle_states_a_probability_for_the_patient(store, example):
    bundle = bundle_of(store(WORKED_EXAMPLES[example]))

    names = set(keys(bundle))
    assert not {name for name in names if name.startswith("probability")}
    assert "relativeRisk" not in names


def test_the_mrn_system_is_the_sites_setting(store, settings):
    settings.FHIR_MRN_SYSTEM = "urn:oid:1.2.3.4.5"

    patient = one(bundle_of(store(EXAMPLE_1_FINDINGS)), "Patient")

    assert {"system": "urn:oid:1.2.3.4.5", "value": "MRN-4711"}.items() <= patient["identifier"][
        0
    ].items()


def test_a_synthetic_patients_resources_are_labelled_test_data(surgeon):
    patient = make_patient(surgeon, mrn="SYN-0001", is_synthetic=True)
    bundle = bundle_of(make_assessment(patient, surgeon))

    validate(bundle)
    for entry in bundle["entry"]:
        (label,) = entry["resource"]["meta"]["security"]
        assert label["code"] == "HTEST"


def test_a_real_patients_resources_carry_no_test_label(store):
    bundle = bundle_of(store(EXAMPLE_1_FINDINGS))

    assert all("meta" not in entry["resource"] for entry in bundle["entry"])


def test_building_from_the_assessment_pages_read_makes_no_query(
    store, board_member, django_assert_num_queries
):
    stored = store(EXAMPLE_1_FINDINGS)
    make_decision(stored, board_member, meeting=make_meeting(board_member))
    assessment = selectors.assessment_get(stored.pk)

    with django_assert_num_queries(0):
        bundle_of(assessment, assessment.latest_board_decision)


def test_the_builder_does_not_need_the_validator_at_run_time():
    script = (
        "import sys; sys.modules['fhir'] = None; import django; django.setup(); "
        "import decision.fhir.bundle; print('ok')"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "decision.settings", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "ok"


def test_no_lower_package_imports_the_export():
    lower = ("rules", "core", "audit", "clinic", "board")
    importers = [
        path.relative_to(ROOT)
        for package in lower
        for path in (ROOT / "decision" / package).rglob("*.py")
        if "decision.fhir" in path.read_text(encoding="utf-8")
    ]
    assert importers == []


def test_building_the_patient_bundle_from_the_documented_read_makes_no_query(
    patient, store, board_member, django_assert_num_queries
):
    first = store(EXAMPLE_1_FINDINGS)
    make_decision(first, board_member, meeting=make_meeting(board_member))
    store(EXAMPLE_3_FINDINGS, supersedes=first, supersede_reason="Wrong findings")
    assessments = list(
        patient.assessments.select_related("created_by", "superseded_by")
        .prefetch_related(*selectors.BOARD_DECISIONS)
        .order_by("created_at")
    )

    with django_assert_num_queries(0):
        bundle = patient_bundle(
            patient,
            [(assessment, assessment.latest_board_decision) for assessment in assessments],
            base_url=BASE_URL,
        )

    validate(bundle)
