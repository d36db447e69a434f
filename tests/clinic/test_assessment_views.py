import re
import uuid

import pytest
from django.utils import timezone

from decision.clinic.models import Assessment
from tests.factories import (
    EXAMPLE_1_FORM,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_patient,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(surgeon):
    return make_patient(surgeon)


def new_form(client, patient) -> dict[str, str]:
    response = client.get(f"/patients/{patient.pk}/assessments/new/")
    assert response.status_code == 200
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', response.content.decode())
    return {**EXAMPLE_1_FORM, "idempotency_key": key.group(1)}


def test_submitting_the_form_saves_and_shows_the_recommendation(surgeon_client, patient):
    response = surgeon_client.post(
        f"/patients/{patient.pk}/assessments/new/", new_form(surgeon_client, patient)
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{assessment.pk}/"
    page = surgeon_client.get(response["Location"]).content.decode()
    # Spec section 8, example 1: CRS 5, high risk, resect primary and liver with HAI.
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI" in page
    assert 'data-testid="score">5<' in page
    assert "High risk" in page


def test_a_double_submission_returns_the_same_assessment(surgeon_client, patient):
    data = new_form(surgeon_client, patient)
    url = f"/patients/{patient.pk}/assessments/new/"
    first = surgeon_client.post(url, data)
    second = surgeon_client.post(url, data)
    assert first["Location"] == second["Location"]
    assert Assessment.objects.count() == 1


def test_each_new_form_gets_its_own_key(surgeon_client, patient):
    url = f"/patients/{patient.pk}/assessments/new/"
    surgeon_client.post(url, new_form(surgeon_client, patient))
    second = {**new_form(surgeon_client, patient), "confirm_same_encounter": "on"}
    surgeon_client.post(url, second)
    assert Assessment.objects.count() == 2


def test_a_second_assessment_of_the_same_encounter_asks_first(surgeon_client, surgeon, patient):
    url = f"/patients/{patient.pk}/assessments/new/"
    surgeon_client.post(url, new_form(surgeon_client, patient))
    first = Assessment.objects.get()
    # A new form for the same encounter date (as after Back, then Save).
    again = new_form(surgeon_client, patient)
    response = surgeon_client.post(url, again)
    assert response.status_code == 200 and Assessment.objects.count() == 1
    warning = response.content.decode().split('data-testid="same-encounter"')[1]
    assert "2026-11-20" in warning and f'href="/assessments/{first.pk}/"' in warning
    assert f"{timezone.localtime(first.created_at):%Y-%m-%d at %H:%M}" in warning
    # Everything typed is kept.
    assert response.context["form"]["cea_ng_ml"].value() == "250"

    confirmed = surgeon_client.post(url, {**again, "confirm_same_encounter": "on"})
    assert confirmed.status_code == 302 and Assessment.objects.count() == 2


def test_another_encounter_date_needs_no_confirmation(surgeon_client, patient):
    url = f"/patients/{patient.pk}/assessments/new/"
    surgeon_client.post(url, new_form(surgeon_client, patient))
    later = {**new_form(surgeon_client, patient), "encounter_date": "2026-11-21"}
    assert surgeon_client.post(url, later).status_code == 302
    assert Assessment.objects.count() == 2


def test_the_page_shows_the_full_basis(surgeon_client, surgeon, patient):
    assessment = make_assessment(patient, surgeon)
    response = surgeon_client.get(f"/assessments/{assessment.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    # Each criterion with its threshold and source; survival rows of spec example 1.
    for criterion in (
        "node_positive_primary",
        "disease_free_interval_under_12_months",
        "more_than_one_liver_tumor",
        "cea_over_200",
        "largest_tumor_over_5cm",
    ):
        assert f'data-criterion="{criterion}"' in body
    assert "&gt; 200 ng/mL" in body and "250 ng/mL" in body
    assert "14%" in body and "CRS 4–5" in body and "<svg" in body
    assert "mala-2002" not in body  # CRS 5 overlaps no Mala group
    # Trace: R5 fired, R6 not reached; notes and sources.
    assert re.search(r'data-testid="outcome-R5">Fired<', body)
    assert re.search(r'data-testid="outcome-R6">Not reached<', body)
    for note in (
        "SYNCHRONOUS_NOT_EXCLUSION",
        "NO_SYSTEMIC_CHEMOTHERAPY_FIRST",
        "EVIDENCE_CURRENCY",
    ):
        assert f'data-note="{note}"' in body
    assert "https://pubmed.ncbi.nlm.nih.gov/10493478/" in body
    assert "intended-use" in body and "kemeny-2006" in body
    assert assessment.content_hash in body
    assert "would conclude differently" not in body


def test_an_incomplete_score_is_shown_as_a_range_naming_what_is_missing(
    surgeon_client, surgeon, patient
):
    # Spec section 8, example 4: example 3 with node status and CEA unknown: 0–2, low.
    findings = {**EXAMPLE_3_FINDINGS, "primary_node_positive": None, "cea_ng_ml": None}
    assessment = make_assessment(patient, surgeon, findings=findings)
    body = surgeon_client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="score">0–2<' in body
    assert "Low risk" in body
    assert "node status of the primary tumor" in body and "preoperative CEA" in body
    assert 'data-note="CRS_INCOMPLETE"' in body


def test_a_stored_result_that_today_s_rules_would_change_is_flagged(
    surgeon_client, surgeon, patient
):
    current = make_assessment(patient, surgeon)
    # An assessment stored by an earlier rule set that concluded differently.
    older = Assessment(
        patient=patient,
        encounter_date=current.encounter_date,
        findings=current.findings,
        result={
            **current.result,
            "recommendation": {**current.result["recommendation"], "code": "SYSTEMIC_THERAPY"},
            "ruleset": {"id": "kemeny-2006", "version": "0.9.0"},
        },
        ruleset_id="kemeny-2006",
        ruleset_version="0.9.0",
        recommendation_code="SYSTEMIC_THERAPY",
        intent="palliative",
        risk_group="high",
        score_min=5,
        score_max=5,
        idempotency_key=uuid.uuid4(),
        created_by=surgeon,
        created_at=current.created_at,
    )
    older.save()
    body = surgeon_client.get(f"/assessments/{older.pk}/").content.decode()
    assert "would conclude differently" in body
    assert "stored SYSTEMIC_THERAPY, today RESECT_PRIMARY_AND_LIVER_WITH_HAI" in body


def test_correcting_prefills_the_form_and_saves_a_superseding_assessment(
    surgeon_client, surgeon, patient
):
    original = make_assessment(patient, surgeon)
    url = f"/assessments/{original.pk}/correct/"
    form_page = surgeon_client.get(url)
    assert form_page.status_code == 200
    initial = form_page.context["form"].initial
    assert initial["cea_ng_ml"] == 250 and initial["primary_node_positive"] == "yes"
    key = form_page.context["form"].initial["idempotency_key"]

    data = {**EXAMPLE_1_FORM, "idempotency_key": str(key), "cea_ng_ml": "150"}
    missing_reason = surgeon_client.post(url, data)
    assert "Say why" in missing_reason.context["form"].errors["supersede_reason"][0]
    assert missing_reason.context["form"]["cea_ng_ml"].value() == "150"

    response = surgeon_client.post(url, {**data, "supersede_reason": "CEA re-measured"})
    correction = Assessment.objects.exclude(pk=original.pk).get()
    assert response["Location"] == f"/assessments/{correction.pk}/"
    assert correction.supersedes == original
    assert correction.score_min == 4  # CEA 150 no longer scores (spec: > 200)
    old_page = surgeon_client.get(f"/assessments/{original.pk}/").content.decode()
    assert "This assessment was corrected" in old_page and "CEA re-measured" in old_page
    assert "Correct this assessment" not in old_page


def test_correcting_an_already_corrected_assessment_leads_to_the_newer_one(
    surgeon_client, surgeon, patient
):
    original = make_assessment(patient, surgeon)
    newer = make_assessment(patient, surgeon, supersedes=original, supersede_reason="typo")
    response = surgeon_client.get(f"/assessments/{original.pk}/correct/")
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{newer.pk}/"


@pytest.mark.parametrize(
    "url",
    [
        "/patients/00000000-0000-0000-0000-000000000000/assessments/new/",
        "/assessments/00000000-0000-0000-0000-000000000000/",
        "/assessments/00000000-0000-0000-0000-000000000000/correct/",
        "/assessments/not-a-uuid/",
    ],
)
def test_unknown_objects_are_404(surgeon_client, url):
    assert surgeon_client.get(url).status_code == 404


@pytest.mark.parametrize("decisions", [1, 4])
def test_the_assessment_page_uses_a_fixed_number_of_queries(
    surgeon_client, surgeon, board_member, patient, decisions, django_assert_max_num_queries
):
    assessment = make_assessment(patient, surgeon)
    latest = None
    for number in range(decisions):
        latest = make_decision(
            assessment, board_member, supersedes=latest, supersede_reason=f"review {number}"
        )
    # Session, user, roles, the assessment with its joins, the board's decisions with who
    # recorded them and where, and the audit event's append (on PostgreSQL one more: the
    # lock that keeps the audit chain in order).
    with django_assert_max_num_queries(12):
        assert surgeon_client.get(f"/assessments/{assessment.pk}/").status_code == 200


def test_pages_with_patient_data_are_not_cached(surgeon_client, surgeon, patient):
    assessment = make_assessment(patient, surgeon)
    for url in ("/patients/", f"/patients/{patient.pk}/", f"/assessments/{assessment.pk}/"):
        assert "no-store" in surgeon_client.get(url)["Cache-Control"]
