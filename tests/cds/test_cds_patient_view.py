"""The patient-view service: one card on the patient's latest assessment, with the same
clinical facts its client's user sees on the web; nothing for others."""

import re
from datetime import date

import pytest

from decision.audit.models import AuditEvent
from decision.cds import services
from decision.cds.models import ServedCard
from decision.clinic.presenters import Reevaluation
from tests.cds.conftest import call, hook_request, sign
from tests.factories import (
    EXAMPLE_1_FINDINGS,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_patient,
)

pytestmark = pytest.mark.django_db


def only_card(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    cards = response.json()["cards"]
    assert len(cards) == 1
    card = cards[0]
    # The specification's required fields and their allowed values.
    assert isinstance(card["summary"], str) and 0 < len(card["summary"]) < 140
    assert card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"]
    assert card["uuid"]
    for link in card.get("links", []):
        assert link["label"] and link["url"].startswith("http") and link["type"] == "absolute"
    return card


def test_the_card_shows_the_board_members_web_facts(
    client, board_ehr, patient, surgeon, board_member, ec_key
):
    assessment = make_assessment(patient, surgeon, findings=EXAMPLE_1_FINDINGS)
    make_decision(assessment, board_member, outcome="agree")
    client.force_login(board_member)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    client.logout()

    card = only_card(call(client, sign(ec_key), hook_request()))

    # Spec section 8, example 1: CRS 5, high risk, resect the primary and the liver.
    label = "Resect the primary and the liver metastases; place an HAI pump"
    assert label in page and "High risk (score 3–5)" in page
    assert card["summary"] == (
        f"Fong 5/5, High risk. {label}. Board: Agree with the recommendation "
        f"({date.today():%Y-%m-%d})."
    )
    assert card["indicator"] == "info"
    assert "High risk \\(score 3–5\\)" not in card["detail"]
    assert "High risk (score 3–5)" in card["detail"]
    assert "Curative intent" in card["detail"] and "Curative intent" in page
    assert "Agree with the recommendation" in card["detail"]
    assert "Agree with the recommendation" in page
    assert "This rule set reflects the 2006 source." in card["detail"]
    assert "synchronous patients can have a 5-year survival above 25%" in card["detail"]
    assert "Rule set kemeny-2006 version 1.0.0" in card["detail"]
    assert card["links"][0]["url"] == f"http://testserver/assessments/{assessment.pk}/"
    assert card["source"] == {
        "label": "CRLM decision support, rule set kemeny-2006 1.0.0",
        "url": "http://testserver/about/",
    }


def test_serving_a_card_is_an_audit_event_of_the_clients_user(
    client, board_ehr, patient, surgeon, board_member, ec_key
):
    assessment = make_assessment(patient, surgeon)
    card = only_card(call(client, sign(ec_key), hook_request()))
    event = AuditEvent.objects.get(action="cds.card_served")
    assert event.actor == board_member
    assert event.patient_id == patient.pk
    assert event.object_id == card["uuid"]
    assert event.payload["assessment"] == str(assessment.pk)
    assert ServedCard.objects.get(pk=card["uuid"]).patient == patient


def test_a_board_plan_other_than_the_rules_makes_a_warning(
    client, board_ehr, patient, surgeon, board_member, ec_key
):
    assessment = make_assessment(patient, surgeon)
    make_decision(
        assessment, board_member, outcome="alternative", plan="[Systemic](http://x) first"
    )
    card = only_card(call(client, sign(ec_key), hook_request()))
    assert card["indicator"] == "warning"
    assert "Board: Alternative plan" in card["summary"]
    assert "The board chose a plan other than the rules' recommendation." in card["detail"]
    # The board's words are shown as text, never as a link.
    assert "Plan: \\[Systemic\\](http://x) first" in card["detail"]


def test_an_assessment_todays_rules_would_conclude_differently_makes_a_warning(
    client, board_ehr, patient, surgeon, ec_key, monkeypatch
):
    make_assessment(patient, surgeon)
    stale = Reevaluation(
        differs=True, ruleset_version="9.9.9", differences=["recommendation: stored A, today B"]
    )
    monkeypatch.setattr(services, "reevaluate", lambda *args, **kwargs: stale)
    card = only_card(call(client, sign(ec_key), hook_request()))
    assert card["indicator"] == "warning"
    assert "Today's rule set (kemeny-2006 9.9.9) would conclude differently." in card["detail"]
    assert "recommendation: stored A, today B" in card["detail"]


def test_the_latest_assessment_is_the_one_shown(client, board_ehr, patient, surgeon, ec_key):
    first = make_assessment(patient, surgeon, findings=EXAMPLE_1_FINDINGS)
    latest = make_assessment(
        patient, surgeon, findings=EXAMPLE_3_FINDINGS, supersedes=first, supersede_reason="typo"
    )
    card = only_card(call(client, sign(ec_key), hook_request()))
    assert card["links"][0]["url"].endswith(f"/assessments/{latest.pk}/")
    assert "Place an HAI pump for the unresectable liver disease" in card["summary"]
    assert "Fong 0/5, Low risk" in card["summary"]


def test_a_patient_without_an_assessment_gets_a_card_linking_to_the_form_for_a_surgeon(
    client, register, surgeon, patient, ec_key
):
    register(surgeon)
    card = only_card(call(client, sign(ec_key), hook_request()))
    assert "No assessment has been recorded" in card["summary"]
    assert card["links"] == [
        {
            "label": "Record an assessment",
            "url": f"http://testserver/patients/{patient.pk}/assessments/new/",
            "type": "absolute",
        }
    ]


def test_a_patient_without_an_assessment_gets_no_link_for_a_board_member(
    client, board_ehr, patient, ec_key
):
    card = only_card(call(client, sign(ec_key), hook_request()))
    assert "No assessment has been recorded" in card["summary"]
    assert "links" not in card
    assert "A surgeon can record one" in card["detail"]


def test_a_client_whose_user_has_no_clinical_role_gets_no_card(
    client, register, no_role_user, auditor, patient, surgeon, ec_key
):
    make_assessment(patient, surgeon)
    register(no_role_user)
    response = call(client, sign(ec_key), hook_request())
    assert response.json() == {"cards": []}
    event = AuditEvent.objects.get(action="cds.no_card")
    assert event.payload["reason"] == "no_clinical_role"
    assert event.patient_id is None


def test_an_auditor_client_gets_no_clinical_content_either(
    client, register, auditor, patient, surgeon, ec_key
):
    make_assessment(patient, surgeon)
    register(auditor)
    assert call(client, sign(ec_key), hook_request()).json() == {"cards": []}


def test_a_patient_this_app_does_not_know_gets_no_card(client, board_ehr, surgeon, ec_key):
    make_patient(surgeon, mrn="MRN-OTHER")
    response = call(client, sign(ec_key), hook_request())
    assert response.json() == {"cards": []}
    assert AuditEvent.objects.get(action="cds.no_card").payload["reason"] == "unknown_patient"


def test_the_mrn_counts_only_in_the_configured_identifier_system(
    client, board_ehr, patient, surgeon, ec_key, settings
):
    make_assessment(patient, surgeon)
    settings.FHIR_MRN_SYSTEM = "urn:oid:1.2.3.4"
    assert call(client, sign(ec_key), hook_request()).json() == {"cards": []}


def test_a_birth_date_that_differs_from_ours_gets_no_card(
    client, board_ehr, patient, surgeon, ec_key
):
    make_assessment(patient, surgeon)
    request = hook_request()
    request["prefetch"]["patient"]["birthDate"] = "1958-04-13"
    assert call(client, sign(ec_key), request).json() == {"cards": []}


def test_the_mrn_matches_whatever_its_case(client, board_ehr, patient, surgeon, ec_key):
    make_assessment(patient, surgeon)
    request = hook_request()
    request["prefetch"]["patient"]["identifier"][0]["value"] = "mrn-cds-1"
    only_card(call(client, sign(ec_key), request))


def test_a_missing_prefetch_is_412(client, board_ehr, patient, ec_key):
    request = hook_request()
    del request["prefetch"]
    response = call(client, sign(ec_key), request)
    assert response.status_code == 412
    assert response.json()["resourceType"] == "OperationOutcome"


def test_a_prefetch_the_client_could_not_fetch_is_412(client, board_ehr, patient, ec_key):
    request = hook_request(prefetch={"patient": {"resourceType": "OperationOutcome"}})
    assert call(client, sign(ec_key), request).status_code == 412


def test_a_null_prefetch_means_no_such_patient(client, board_ehr, patient, ec_key):
    request = hook_request(prefetch={"patient": None})
    assert call(client, sign(ec_key), request).json() == {"cards": []}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"hook": "order-sign"}, "patient-view"),
        ({"hook": None}, "patient-view"),
        ({"hookInstance": None}, "hookInstance"),
        ({"hookInstance": "not-a-uuid"}, "hookInstance"),
        ({"context": None}, "context"),
        ({"context": {"userId": "Practitioner/1"}}, "context.patientId"),
        ({"context": {"patientId": "1288992"}}, "context.userId"),
        ({"fhirServer": None}, "fhirServer"),
    ],
)
def test_a_malformed_request_is_400_with_the_reason(
    client, board_ehr, patient, ec_key, changes, reason
):
    request = {name: value for name, value in hook_request(**changes).items() if value is not None}
    response = call(client, sign(ec_key), request)
    assert response.status_code == 400
    assert reason in response.json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "body", ["", "not json", "[1, 2]", "null", '{"hook": "patient-view"', "[" * 100000]
)
def test_a_body_that_is_not_a_json_object_is_400(client, board_ehr, ec_key, body):
    response = call(client, sign(ec_key), body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_form_encoded_body_is_400_not_an_error_page(client, board_ehr, ec_key):
    response = client.post(
        "/cds-services/crlm-assessment",
        {"hook": "patient-view"},
        HTTP_AUTHORIZATION=f"Bearer {sign(ec_key)}",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_a_prefetched_patient_of_another_id_is_400(client, board_ehr, patient, ec_key):
    request = hook_request()
    request["prefetch"]["patient"]["id"] = "someone-else"
    assert call(client, sign(ec_key), request).status_code == 400


def test_other_methods_are_refused_in_json(client):
    response = client.get("/cds-services/crlm-assessment")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response.json()["resourceType"] == "OperationOutcome"


def test_an_unknown_service_is_a_json_404(client):
    response = client.post("/cds-services/no-such-service", data="{}", content_type="x/y")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_the_summary_names_a_range_and_what_is_missing_in_the_detail(
    client, board_ehr, patient, surgeon, ec_key
):
    findings = {**EXAMPLE_3_FINDINGS, "primary_node_positive": None, "cea_ng_ml": None}
    make_assessment(patient, surgeon, findings=findings)
    card = only_card(call(client, sign(ec_key), hook_request()))
    # Spec section 8, example 4: score 0–2, low risk.
    assert card["summary"].startswith("Fong 0–2/5, Low risk.")
    assert re.search(
        r"unknown node status of the primary tumor and preoperative CEA", card["detail"]
    )
