from datetime import timedelta

import pytest
from django.utils import timezone

from decision.audit.models import AuditEvent
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def activity(surgeon, board_member):
    first = make_patient(surgeon, mrn="AUD-1")
    second = make_patient(board_member, mrn="AUD-2")
    make_assessment(first, surgeon)
    return first, second


def shown_actions(response) -> list[str]:
    return [row["event"].action for row in response.context["rows"]]


def filtered(client, **filters):
    """The log after posting the filter form (which answers with the filtered page's URL)."""
    return client.post("/audit/", filters, follow=True)


def test_the_auditor_reads_the_log_newest_first_in_plain_words(auditor_client, activity):
    response = auditor_client.get("/audit/")
    assert response.status_code == 200
    sequences = [row["event"].sequence for row in response.context["rows"]]
    assert sequences == sorted(sequences, reverse=True)
    body = response.content.decode()
    assert "Registered a patient" in body and "Recorded an assessment" in body


def test_filters_live_in_the_url_with_the_patient_by_id_never_by_mrn(
    auditor_client, activity, surgeon
):
    first, _second = activity
    response = auditor_client.post("/audit/", {"user": "surgeon", "patient": "aud-1"})
    assert response.status_code == 302
    assert response["Location"] == f"/audit/?user=surgeon&patient={first.pk}"
    assert "AUD-1" not in response["Location"].upper()
    listing = auditor_client.get(response["Location"])
    assert {row["event"].actor for row in listing.context["rows"]} == {surgeon}
    assert {row["event"].patient_id for row in listing.context["rows"]} == {first.pk}


def test_filters_do_not_stick_between_visits(auditor_client, activity):
    assert shown_actions(filtered(auditor_client, action="assessment.created")) == [
        "assessment.created"
    ]
    again = auditor_client.get("/audit/")
    assert "patient.created" in shown_actions(again)
    assert 'data-testid="active-filters"' not in again.content.decode()


def test_the_active_filters_are_shown_with_one_way_to_clear_them(auditor_client, activity):
    body = filtered(auditor_client, action="assessment.created", patient="AUD-1").content
    box = body.decode().split('data-testid="active-filters"')[1].split("</div>")[0]
    assert "Recorded an assessment" in box and "RIVERA, Ana (AUD-1)" in box
    assert 'href="/audit/"' in box and "Clear the filters" in box


def test_a_user_filter_whose_user_was_renamed_is_refused_on_the_field(
    auditor_client, activity, surgeon
):
    url = filtered(auditor_client, user="surgeon").redirect_chain[-1][0]
    surgeon.username = "surgeon-renamed"
    surgeon.save(update_fields=["username"])
    response = auditor_client.get(url)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_filter_by_action(auditor_client, activity):
    response = filtered(auditor_client, action="assessment.created")
    assert set(shown_actions(response)) == {"assessment.created"}


def test_filter_by_patient_mrn_or_id(auditor_client, activity):
    first, second = activity
    rows = filtered(auditor_client, patient="aud-1").context["rows"]
    assert rows and {row["event"].patient_id for row in rows} == {first.pk}
    rows = filtered(auditor_client, patient=str(second.pk)).context["rows"]
    assert rows and {row["event"].patient_id for row in rows} == {second.pk}
    unknown = filtered(auditor_client, patient="NO-SUCH-MRN")
    assert "No patient has this MRN or id." in unknown.content.decode()


def test_filter_by_date_range(auditor_client, activity):
    today = timezone.localdate()
    response = filtered(auditor_client, date_from=today.isoformat(), date_to=today.isoformat())
    assert "patient.created" in shown_actions(response)
    yesterday = today - timedelta(days=1)
    assert shown_actions(filtered(auditor_client, date_to=yesterday.isoformat())) == []


def test_a_reversed_date_range_is_refused_on_the_field(auditor_client):
    response = auditor_client.post("/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert "before the start date" in response.context["form"].errors["date_to"][0]


def test_the_log_is_paginated(auditor_client, surgeon):
    from decision.audit.services import atomic_audit_event_record

    for _ in range(60):
        atomic_audit_event_record(action="patient.viewed", actor=surgeon)
    first = auditor_client.get("/audit/")
    assert len(first.context["rows"]) == 50
    assert len(auditor_client.get("/audit/?page=2").context["rows"]) >= 11


def test_the_log_gives_its_total_and_the_total_of_a_filter(auditor_client, surgeon):
    from decision.audit.services import atomic_audit_event_record

    for _ in range(7):
        atomic_audit_event_record(action="patient.viewed", actor=surgeon)
    events = AuditEvent.objects.count()  # before the page's own event
    body = auditor_client.get("/audit/").content.decode()
    assert f'data-testid="event-count">{events} events</p>' in body

    body = filtered(auditor_client, action="patient.viewed").content.decode()
    assert 'data-testid="event-count">7 events</p>' in body


def test_reading_the_log_is_itself_audited(auditor_client, auditor):
    auditor_client.get("/audit/")
    event = AuditEvent.objects.filter(action="audit.log_viewed").get()
    assert event.actor == auditor


def test_the_log_names_each_patient_by_name_and_mrn(auditor_client, surgeon):
    make_patient(surgeon, family_name="Quenneville", given_name="Rose", mrn="SHOW-ME-9")
    body = auditor_client.get("/audit/").content.decode()
    assert "QUENNEVILLE, Rose (SHOW-ME-9)" in body


def test_the_log_shows_no_clinical_content(auditor_client, surgeon, board_member):
    from tests.factories import make_decision

    assessment = make_assessment(make_patient(surgeon), surgeon)
    make_decision(assessment, board_member, outcome="alternative", plan="Chemotherapy first")
    body = auditor_client.get("/audit/").content.decode()
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI" not in body
    assert "alternative" not in body and "Chemotherapy first" not in body


def test_the_log_has_a_fixed_number_of_queries(
    auditor_client, surgeon, django_assert_max_num_queries
):
    from decision.audit.services import atomic_audit_event_record

    for _ in range(40):
        atomic_audit_event_record(action="patient.viewed", actor=surgeon)
    with django_assert_max_num_queries(11):
        auditor_client.get("/audit/")


@pytest.mark.parametrize("role_user", ["surgeon", "board_member", "no_role_user"])
def test_only_auditors_and_administrators_see_the_log(client, request, role_user, admin_user):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get("/audit/").status_code == 404
    client.force_login(admin_user)
    assert client.get("/audit/").status_code == 200
