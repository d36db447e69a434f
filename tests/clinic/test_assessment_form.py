"""The assessment form: shape checks of its own, clinical validity from the rules service."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decision.clinic.forms import AssessmentForm
from tests.factories import EXAMPLE_1_FINDINGS, EXAMPLE_1_FORM

KEY = "8d3c8a52-1c53-4b4e-9a51-0f0e2a1b9c11"


def submit(**changes) -> AssessmentForm:
    data = {**EXAMPLE_1_FORM, "idempotency_key": KEY, **changes}
    data = {name: value for name, value in data.items() if value is not None}
    form = AssessmentForm(data)
    form.is_valid()
    return form


def test_the_example_answers_give_the_findings_of_spec_example_1():
    form = submit()
    assert form.is_valid(), form.errors
    assert form.findings == EXAMPLE_1_FINDINGS


def test_field_names_are_the_findings_names_of_the_spec():
    names = set(AssessmentForm().fields)
    for finding in (
        "fit_for_surgery",
        "symptomatic_primary",
        "primary_resected",
        "primary_resection_date",
        "liver_metastases_diagnosis_date",
        "primary_node_positive",
        "liver_tumor_count",
        "largest_liver_tumor_cm",
        "cea_ng_ml",
        "staging_complete",
        "liver_resectability",
        "portal_lymph_nodes",
        "carcinomatosis",
        "lung_metastases",
        "other_extrahepatic_metastases",
    ):
        assert finding in names


def test_required_yes_no_findings_have_no_preselected_answer():
    form = AssessmentForm()
    for name in ("fit_for_surgery", "symptomatic_primary", "primary_resected", "staging_complete"):
        assert form[name].value() is None
        assert [value for value, _ in form.fields[name].choices] == ["yes", "no"]
    assert form["liver_resectability"].value() is None


def test_findings_that_may_be_unknown_offer_an_explicit_unknown():
    form = AssessmentForm()
    assert [v for v, _ in form.fields["primary_node_positive"].choices] == ["yes", "no", "unknown"]
    for name in ("liver_tumor_count", "largest_liver_tumor_cm", "cea_ng_ml"):
        assert form.fields[f"{name}_unknown"].label == "Unknown"


def test_unknown_answers_become_null_findings():
    form = submit(
        primary_node_positive="unknown",
        liver_tumor_count="",
        liver_tumor_count_unknown="on",
        cea_ng_ml="",
        cea_ng_ml_unknown="on",
    )
    assert form.is_valid(), form.errors
    assert form.findings["primary_node_positive"] is None
    assert form.findings["liver_tumor_count"] is None
    assert form.findings["cea_ng_ml"] is None


def test_an_empty_number_without_unknown_is_an_error_not_a_silent_unknown():
    form = submit(cea_ng_ml="")
    assert "tick Unknown" in form.errors["cea_ng_ml"][0]


def test_a_number_and_unknown_together_are_an_error():
    form = submit(cea_ng_ml="12", cea_ng_ml_unknown="on")
    assert "not both" in form.errors["cea_ng_ml"][0]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("fit_for_surgery", None, "Choose yes or no."),
        ("fit_for_surgery", "maybe", "Select a valid choice"),
        ("primary_node_positive", None, "Choose yes, no or unknown."),
        ("liver_resectability", None, "Choose one."),
        ("liver_resectability", "borderline", "Select a valid choice"),
        ("liver_tumor_count", "0", "1"),
        ("liver_tumor_count", "201", "200"),
        ("liver_tumor_count", "2.5", "whole number"),
        ("largest_liver_tumor_cm", "0", "greater than 0"),
        ("largest_liver_tumor_cm", "40.5", "40"),
        ("largest_liver_tumor_cm", "abc", "Enter a number, such as 4.5."),
        ("cea_ng_ml", "-1", "0"),
        ("cea_ng_ml", "100001", "100000"),
        ("liver_metastases_diagnosis_date", "", "Enter the date."),
        ("liver_metastases_diagnosis_date", "2026-13-01", "Enter a real date."),
        ("liver_metastases_diagnosis_date", "1899-12-31", "1900"),
        ("liver_metastases_diagnosis_date", "2026-11-21", "after the encounter date"),
        ("encounter_date", "", "Enter the encounter date."),
    ],
)
def test_each_bad_answer_is_named_on_its_own_field(field, value, fragment):
    form = submit(**{field: value})
    assert not form.is_valid()
    assert fragment in " ".join(form.errors[field]), form.errors
    assert set(form.errors) == {field}


def test_an_encounter_in_the_future_is_refused():
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    form = submit(encounter_date=tomorrow)
    assert form.errors["encounter_date"] == ["The encounter date cannot be after today."]


def test_cross_field_rules_come_from_the_rules_service():
    # Spec section 8, example 6: resected and symptomatic without a resection date.
    form = submit(primary_resected="yes", symptomatic_primary="yes")
    assert set(form.errors) == {"symptomatic_primary", "primary_resection_date"}


def test_a_resection_date_needs_a_resected_primary():
    form = submit(primary_resection_date="2026-01-05")
    assert set(form.errors) == {"primary_resection_date"}


def test_every_error_is_reported_at_once():
    form = submit(fit_for_surgery=None, liver_tumor_count="0", cea_ng_ml="abc")
    assert set(form.errors) == {"fit_for_surgery", "liver_tumor_count", "cea_ng_ml"}


@pytest.mark.django_db
def test_a_refused_form_keeps_everything_typed(surgeon_client, surgeon):
    from tests.factories import make_patient

    patient = make_patient(surgeon)
    data = {**EXAMPLE_1_FORM, "idempotency_key": KEY, "liver_tumor_count": "0", "cea_ng_ml": "321"}
    response = surgeon_client.post(f"/patients/{patient.pk}/assessments/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="321"' in body and 'value="2026-10-01"' in body
    assert 'value="resectable"' in body and "checked" in body
    assert f'value="{KEY}"' in body
    assert "Nothing has been saved yet" in body
