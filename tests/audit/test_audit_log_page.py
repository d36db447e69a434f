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
    return [event.action for event, _ in response.context["rows"]]


def test_the_auditor_reads_the_log_newest_first_in_plain_words(auditor_client, activity):
    response = auditor_client.get("/audit/")
    assert response.status_code == 200
    sequences = [event.sequence for event, _ in response.context["rows"]]
    assert sequences == sorted(sequences, reverse=True)
    body = response.content.decode()
    assert "Registered a patient" in body and "Recorded an assessment" in body


def test_filters_are_posted_and_kept_out_of_the_url(auditor_client, activity, surgeon):
    response = auditor_client.post("/audit/", {"user": "surgeon"})
    assert response.status_code == 302 and response["Location"] == "/audit/"
    listing = auditor_client.get("/audit/")
    assert {event.actor for event, _ in listing.context["rows"]} == {surgeon}


def test_a_kept_user_filter_whose_user_was_renamed_shows_no_events(
    auditor_client, activity, surgeon
):
    auditor_client.post("/audit/", {"user": "surgeon"})
    surgeon.username = "surgeon-renamed"
    surgeon.save(update_fields=["username"])
    response = auditor_client.get("/audit/")
    assert response.status_code == 200
    assert shown_actions(response) == []


def test_filter_by_action(auditor_client, activity):
    auditor_client.post("/audit/", {"action": "assessment.created"})
    assert set(shown_actions(auditor_client.get("/audit/"))) == {"assessment.created"}


def test_filter_by_patient_mrn_or_id(auditor_client, activity):
    first, second = activity
    auditor_client.post("/audit/", {"patient": "aud-1"})
    rows = auditor_client.get("/audit/").context["rows"]
    assert rows and {event.patient_id for event, _ in rows} == {first.pk}
    auditor_client.post("/audit/", {"patient": str(second.pk)})
    rows = auditor_client.get("/audit/").context["rows"]
    assert rows and {event.patient_id for event, _ in rows} == {second.pk}
    auditor_client.post("/audit/", {"patient": "NO-SUCH-MRN"})
    assert shown_actions(auditor_client.get("/audit/")) == []


def test_filter_by_date_range(auditor_client, activity):
    today = timezone.localdate()
    auditor_client.post("/audit/", {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert "patient.created" in shown_actions(auditor_client.get("/audit/"))
    yesterday = today - timedelta(days=1)
    auditor_client.post("/audit/", {"date_to": yesterday.isoformat()})
    assert shown_actions(auditor_client.get("/audit/")) == []


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

    auditor_client.post("/audit/", {"action": "patient.viewed"})
    filtered = auditor_client.get("/audit/").content.decode()
    assert 'data-testid="event-count">7 events</p>' in filtered


def test_reading_the_log_is_itself_audited(auditor_client, auditor):
    auditor_client.get("/audit/")
    event = AuditEvent.objects.filter(action="audit.log_viewed").get()
    assert event.actor == auditor


def test_the_log_shows_no_names(auditor_client, surgeon):
    make_patient(surgeon, family_name="Quenneville", mrn="HIDE-ME-9")
    body = auditor_client.get("/audit/").content.decode()
    assert "Quenneville" not in body and "HIDE-ME-9" not in body


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
