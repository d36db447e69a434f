import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from decision.audit.models import AuditEvent
from decision.clinic.models import Patient
from tests.factories import make_assessment, make_decision, make_patient

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "mrn": "H123456",
    "family_name": "Okafor",
    "given_name": "Chidi",
    "date_of_birth": "1961-07-30",
    "sex": "male",
}


def test_a_surgeon_registers_a_patient_and_lands_on_the_record(surgeon_client):
    response = surgeon_client.post("/patients/new/", NEW_PATIENT)
    patient = Patient.objects.get(mrn="H123456")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/"
    assert (patient.family_name, patient.date_of_birth) == ("Okafor", date(1961, 7, 30))
    assert AuditEvent.objects.filter(action="patient.created", object_id=str(patient.pk)).exists()
    page = surgeon_client.get(response["Location"])
    assert "OKAFOR, Chidi" in page.content.decode()


def test_a_duplicate_mrn_is_refused_on_the_mrn_field_keeping_the_rest(surgeon_client, surgeon):
    make_patient(surgeon, mrn="h123456")
    response = surgeon_client.post("/patients/new/", NEW_PATIENT)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["mrn"]
    assert "already registered" in form.errors["mrn"][0]
    assert 'value="Okafor"' in response.content.decode()
    assert Patient.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mrn", "", "This field is required."),
        ("mrn", "X" * 33, "at most 32 characters"),
        ("date_of_birth", "not a date", "Enter a valid date."),
        ("date_of_birth", "1899-12-31", "before 1900"),
        ("sex", "robot", "Select a valid choice."),
        ("family_name", "", "This field is required."),
    ],
)
def test_bad_patient_details_are_named_on_their_field(surgeon_client, field, value, message):
    response = surgeon_client.post("/patients/new/", {**NEW_PATIENT, field: value})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Patient.objects.count() == 0


def test_a_date_of_birth_in_the_future_is_refused(surgeon_client):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = surgeon_client.post("/patients/new/", {**NEW_PATIENT, "date_of_birth": tomorrow})
    assert response.context["form"].errors["date_of_birth"] == [
        "The date of birth cannot be after today."
    ]


def test_the_search_is_posted_and_never_put_in_the_url(surgeon_client, surgeon):
    make_patient(surgeon, mrn="A1", family_name="Okafor", given_name="Chidi")
    make_patient(surgeon, mrn="B2", family_name="Smith", given_name="Olga")
    response = surgeon_client.post("/patients/", {"query": "oka"})
    assert response.status_code == 302
    assert response["Location"] == "/patients/"
    listing = surgeon_client.get("/patients/")
    names = [p.family_name for p in listing.context["page"].object_list]
    assert names == ["Okafor"]
    assert "oka" not in listing.request["QUERY_STRING"]


@pytest.mark.parametrize(
    ("query", "expected"), [("b2", ["Smith"]), ("OLGA", ["Smith"]), ("", ["Okafor", "Smith"])]
)
def test_the_search_matches_mrn_or_the_start_of_either_name(
    surgeon_client, surgeon, query, expected
):
    make_patient(surgeon, mrn="A1", family_name="Okafor", given_name="Chidi")
    make_patient(surgeon, mrn="B2", family_name="Smith", given_name="Olga")
    surgeon_client.post("/patients/", {"query": query})
    listing = surgeon_client.get("/patients/")
    assert [p.family_name for p in listing.context["page"].object_list] == expected


def patient_count_text(response) -> str:
    body = response.content.decode()
    start = body.index('data-testid="patient-count">') + len('data-testid="patient-count">')
    return " ".join(body[start : body.index("</p>", start)].split())


def test_the_list_shows_how_many_patients_and_follows_each_registration(surgeon_client, surgeon):
    for number in range(3):
        make_patient(surgeon, mrn=f"T{number}")
    assert patient_count_text(surgeon_client.get("/patients/")) == "3 patients"
    surgeon_client.post("/patients/new/", NEW_PATIENT)
    assert patient_count_text(surgeon_client.get("/patients/")) == "4 patients"
    surgeon_client.post("/patients/", {"query": "okafor"})
    assert patient_count_text(surgeon_client.get("/patients/")) == "1 patient matching “okafor”"


def test_synthetic_patients_added_later_are_counted(surgeon_client, surgeon, settings):
    make_patient(surgeon)
    assert patient_count_text(surgeon_client.get("/patients/")) == "1 patient"
    settings.DEBUG = True  # seed_synthetic refuses a production configuration
    call_command("seed_synthetic", "--patients", "3", stdout=io.StringIO())
    assert patient_count_text(surgeon_client.get("/patients/")) == "4 patients"


def test_the_list_is_paginated_with_only_a_page_number_in_the_url(surgeon_client, surgeon):
    for number in range(30):
        make_patient(surgeon, mrn=f"P{number:03}", family_name=f"Name{number:03}")
    first = surgeon_client.get("/patients/")
    assert len(first.context["page"].object_list) == 25
    assert 'href="?page=2"' in first.content.decode()
    second = surgeon_client.get("/patients/?page=2")
    assert len(second.context["page"].object_list) == 5
    assert surgeon_client.get("/patients/?page=nonsense").status_code == 200


def test_the_patient_page_lists_assessments_newest_first_with_corrections(surgeon_client, surgeon):
    patient = make_patient(surgeon)
    first = make_assessment(patient, surgeon)
    second = make_assessment(patient, surgeon, supersedes=first, supersede_reason="CEA received")
    response = surgeon_client.get(f"/patients/{patient.pk}/")
    assert [a.pk for a in response.context["history"]] == [second.pk, first.pk]
    body = response.content.decode()
    assert "Superseded" in body and "CEA received" in body
    assert body.index(f"/assessments/{second.pk}/") < body.index(f"/assessments/{first.pk}/")


def test_an_unknown_patient_is_a_404(surgeon_client):
    response = surgeon_client.get("/patients/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_the_patient_page_uses_a_fixed_number_of_queries(
    surgeon_client, surgeon, board_member, django_assert_max_num_queries
):
    patient = make_patient(surgeon)
    previous = None
    for index in range(12):
        previous = make_assessment(
            patient,
            surgeon,
            supersedes=previous,
            supersede_reason=f"correction {index}" if previous else "",
        )
        make_decision(previous, board_member, outcome="defer", plan=f"Work-up {index}")
        if index in (1, 11):
            # The page's reads include the board's decisions, who recorded them and where.
            with django_assert_max_num_queries(12):
                response = surgeon_client.get(f"/patients/{patient.pk}/")
            assert len(response.context["history"]) == index + 1


def test_the_patient_list_uses_a_fixed_number_of_queries(
    surgeon_client, surgeon, django_assert_max_num_queries
):
    for number in range(40):
        make_patient(surgeon, mrn=f"Q{number:03}")
    # On PostgreSQL; the audit event's chain lock makes one of them (SQLite has none).
    with django_assert_max_num_queries(10):
        surgeon_client.get("/patients/")
