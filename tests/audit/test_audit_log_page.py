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
    return [event.action for event, _label, _patient in response.context["rows"]]


def filtered(client, **filters):
    """The log with the filter form sent (its filters are in the page's URL)."""
    return client.get("/audit/", filters)


def test_the_auditor_reads_the_log_newest_first_in_plain_words(auditor_client, activity):
    response = auditor_client.get("/audit/")
    assert response.status_code == 200
    sequences = [event.sequence for event, _label, _patient in response.context["rows"]]
    assert sequences == sorted(sequences, reverse=True)
    body = response.content.decode()
    assert "Registered a patient" in body and "Recorded an assessment" in body


def test_filters_live_in_the_url_and_find_a_patient_by_id_only(auditor_client, activity, surgeon):
    first, _second = activity
    listing = filtered(auditor_client, user="surgeon", patient=str(first.pk))
    rows = listing.context["rows"]
    assert rows and {event.actor for event, _, _ in rows} == {surgeon}
    assert {event.patient_id for event, _, _ in rows} == {first.pk}
    # No search by MRN: the log does not tell whether someone is a patient.
    by_mrn = filtered(auditor_client, patient="AUD-1")
    assert "not an MRN or a name" in by_mrn.content.decode()
    assert by_mrn.context["form"].errors["patient"]


def test_filters_do_not_stick_between_visits(auditor_client, activity):
    assert shown_actions(filtered(auditor_client, action="assessment.created")) == [
        "assessment.created"
    ]
    again = auditor_client.get("/audit/")
    assert "patient.created" in shown_actions(again)
    assert 'data-testid="active-filters"' not in again.content.decode()


def test_the_active_filters_are_shown_with_one_way_to_clear_them(auditor_client, activity):
    first, _ = activity
    body = filtered(auditor_client, action="assessment.created", patient=str(first.pk)).content
    box = body.decode().split('data-testid="active-filters"')[1].split("</div>")[0]
    assert "Recorded an assessment" in box and str(first.pk) in box
    assert 'href="/audit/"' in box and "Clear the filters" in box


def test_a_user_filter_whose_user_was_renamed_is_refused_on_the_field(
    auditor_client, activity, surgeon
):
    surgeon.username = "surgeon-renamed"
    surgeon.save(update_fields=["username"])
    response = filtered(auditor_client, user="surgeon")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_filter_by_action(auditor_client, activity):
    response = filtered(auditor_client, action="assessment.created")
    assert set(shown_actions(response)) == {"assessment.created"}


def test_filter_by_date_range(auditor_client, activity):
    today = timezone.localdate()
    response = filtered(auditor_client, date_from=today.isoformat(), date_to=today.isoformat())
    assert "patient.created" in shown_actions(response)
    yesterday = today - timedelta(days=1)
    assert shown_actions(filtered(auditor_client, date_to=yesterday.isoformat())) == []


def test_a_reversed_date_range_is_refused_on_the_field(auditor_client):
    response = filtered(auditor_client, date_from="2026-05-02", date_to="2026-05-01")
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


def test_the_auditor_sees_patients_by_id_and_administrators_by_name(
    auditor_client, surgeon, admin_user, client
):
    patient = make_patient(surgeon, family_name="Quenneville", given_name="Rose", mrn="HIDE-9")
    body = auditor_client.get("/audit/").content.decode()
    assert str(patient.pk) in body
    assert "QUENNEVILLE" not in body.upper() and "HIDE-9" not in body
    client.force_login(admin_user)
    assert "QUENNEVILLE, Rose (HIDE-9)" in client.get("/audit/").content.decode()


def test_the_log_shows_no_clinical_content(auditor_client, surgeon, board_member):
    from tests.factories import make_decision

    assessment = make_assessment(make_patient(surgeon), surgeon)
    make_decision(assessment, board_member, outcome="alternative", plan="Chemotherapy first")
    body = auditor_client.get("/audit/").content.decode()
    assert "RESECT_PRIMARY_AND_LIVER_WITH_HAI" not in body
    assert "alternative" not in body and "Chemotherapy first" not in body


def test_the_log_shows_the_chain_s_head(auditor_client, surgeon):
    make_patient(surgeon)
    head = AuditEvent.objects.order_by("-sequence").first()
    body = auditor_client.get("/audit/").content.decode()
    shown = body.split('data-testid="chain-head"')[1].split("</p>")[0]
    assert f"event #{head.sequence}" in shown and head.hash[:16] in shown


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


def test_an_auditor_sees_no_finding_recommendation_or_outcome_on_any_audit_page(
    auditor_client, surgeon, board_member
):
    from decision.audit.actions import ACTIONS
    from decision.board.models import Outcome
    from decision.rules import knowledge
    from tests.factories import EXAMPLE_1_FINDINGS, make_decision

    plans = {"alternative": "Chemotherapy before any surgery", "defer": "Repeat the PET-CT"}
    for outcome in Outcome.values:
        patient = make_patient(surgeon)
        first = make_assessment(
            patient, surgeon, findings={**EXAMPLE_1_FINDINGS, "cea_ng_ml": 4321.5}
        )
        make_decision(first, board_member, outcome=outcome, plan=plans.get(outcome, ""))
        make_assessment(patient, surgeon, supersedes=first, supersede_reason="CEA re-measured")
    clinical = [
        *knowledge.RECOMMENDATIONS,
        *(text.label for text in knowledge.RECOMMENDATIONS.values()),
        *knowledge.INTENT_LABELS.values(),
        *(label for _value, label in Outcome.choices),
        *plans.values(),
        "4321.5",
        "CEA re-measured",
    ]
    pages = ["/audit/", *(f"/audit/?action={action}" for action in ACTIONS)]
    total = AuditEvent.objects.count()
    pages += [f"/audit/?page={number}" for number in range(2, total // 50 + 2)]
    for url in pages:
        body = auditor_client.get(url).content.decode()
        shown = [text for text in clinical if text in body]
        assert shown == [], f"{url} shows {shown}"
