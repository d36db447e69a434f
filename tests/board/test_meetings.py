"""Meetings: creating one, its agenda in order, and who attended."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from decision.audit.models import AuditEvent
from decision.board.models import AgendaItem, Meeting
from tests.factories import make_assessment, make_decision, make_meeting, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(board_member):
    return make_meeting(board_member, title="Hepatobiliary board")


def agenda_names(client, meeting) -> list[str]:
    response = client.get(f"/board/meetings/{meeting.pk}/")
    assert response.status_code == 200
    return [row.patient.family_name for row in response.context["rows"]]


def add(client, meeting, *assessments):
    return client.post(
        "/board/agenda/add/",
        {"meeting": meeting.pk, "assessments": [a.pk for a in assessments]},
    )


def test_a_board_member_creates_a_meeting_and_lands_on_it(board_client, board_member):
    meeting_date = timezone.localdate() + timedelta(days=3)
    response = board_client.post(
        "/board/meetings/new/",
        {"meeting_date": meeting_date.isoformat(), "title": "Liver MDT"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/board/meetings/{meeting.pk}/"
    assert (meeting.meeting_date, meeting.title, meeting.created_by) == (
        meeting_date,
        "Liver MDT",
        board_member,
    )
    assert AuditEvent.objects.filter(
        action="board.meeting_created", object_id=str(meeting.pk)
    ).exists()
    listing = board_client.get("/board/meetings/").content.decode()
    assert "Liver MDT" in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"meeting_date": "", "title": "Liver MDT"}, "meeting_date", "This field is required."),
        ({"meeting_date": "2026-13-01", "title": "Liver MDT"}, "meeting_date", "valid date"),
        ({"meeting_date": "2026-12-01", "title": "   "}, "title", "This field is required."),
    ],
)
def test_a_meeting_needs_a_date_and_a_title(board_client, data, field, message):
    response = board_client.post("/board/meetings/new/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Meeting.objects.count() == 0


def test_cases_from_the_queue_join_the_agenda_in_queue_order_once(board_client, surgeon, meeting):
    first = make_assessment(make_patient(surgeon, family_name="Alpha"), surgeon)
    second = make_assessment(make_patient(surgeon, family_name="Bravo"), surgeon)

    response = add(board_client, meeting, second, first)
    assert response.status_code == 302
    assert response["Location"] == f"/board/meetings/{meeting.pk}/"
    assert agenda_names(board_client, meeting) == ["Alpha", "Bravo"]

    third = make_assessment(make_patient(surgeon, family_name="Charlie"), surgeon)
    add(board_client, meeting, third, first)
    assert agenda_names(board_client, meeting) == ["Alpha", "Bravo", "Charlie"]
    events = AuditEvent.objects.filter(action="board.case_added", object_id=str(meeting.pk))
    assert {event.patient_id for event in events} == {
        first.patient_id,
        second.patient_id,
        third.patient_id,
    }
    assert events.count() == 3


def test_a_corrected_assessment_cannot_be_put_on_the_agenda(board_client, surgeon, meeting):
    original = make_assessment(make_patient(surgeon), surgeon)
    make_assessment(original.patient, surgeon, supersedes=original, supersede_reason="typo")
    response = add(board_client, meeting, original)
    assert response.status_code == 302
    assert response["Location"].startswith("/board/")
    assert AgendaItem.objects.count() == 0
    page = board_client.get(response["Location"]).content.decode()
    assert "Select a valid choice" in page


def test_a_past_meeting_is_not_offered_for_new_cases(board_client, board_member, surgeon):
    past = make_meeting(board_member, meeting_date=timezone.localdate() - timedelta(days=1))
    assessment = make_assessment(make_patient(surgeon), surgeon)
    add(board_client, past, assessment)
    assert AgendaItem.objects.count() == 0
    assert str(past.pk) not in board_client.get("/board/").content.decode()


def test_the_queue_offers_today_s_and_later_meetings_soonest_first(board_client, board_member):
    today = timezone.localdate()
    later = make_meeting(board_member, meeting_date=today + timedelta(days=14), title="Later")
    today_s = make_meeting(board_member, meeting_date=today, title="Today <HPB>")
    body = board_client.get("/board/").content.decode()
    offered = re.findall(r'<option value="([0-9a-f-]{36})">([^<]*)</option>', body)
    assert offered == [
        (str(today_s.pk), f"{today:%Y-%m-%d} · Today &lt;HPB&gt;"),
        (str(later.pk), f"{today + timedelta(days=14):%Y-%m-%d} · Later"),
    ]


def test_the_queue_preselects_the_meeting_it_was_opened_from(board_client, meeting):
    body = board_client.get(f"/board/?meeting={meeting.pk}").content.decode()
    assert f'<option value="{meeting.pk}" selected>' in body


def test_cases_move_up_and_down_the_agenda(board_client, surgeon, meeting):
    cases = [
        make_assessment(make_patient(surgeon, family_name=name), surgeon)
        for name in ("Alpha", "Bravo", "Charlie")
    ]
    add(board_client, meeting, *cases)
    items = {item.assessment.patient.family_name: item for item in meeting.agenda_items.all()}

    def move(name: str, direction: str) -> None:
        url = f"/board/meetings/{meeting.pk}/agenda/{items[name].pk}/move/"
        assert board_client.post(url, {"direction": direction}).status_code == 302

    move("Charlie", "up")
    assert agenda_names(board_client, meeting) == ["Alpha", "Charlie", "Bravo"]
    move("Alpha", "down")
    assert agenda_names(board_client, meeting) == ["Charlie", "Alpha", "Bravo"]
    move("Charlie", "up")  # already first: nothing changes
    move("Bravo", "down")  # already last
    assert agenda_names(board_client, meeting) == ["Charlie", "Alpha", "Bravo"]
    assert AuditEvent.objects.filter(action="board.case_moved").count() == 2


def test_a_case_comes_off_the_agenda_unless_decided_at_this_meeting(
    board_client, board_member, surgeon, meeting
):
    undecided = make_assessment(make_patient(surgeon, family_name="Alpha"), surgeon)
    decided = make_assessment(make_patient(surgeon, family_name="Bravo"), surgeon)
    add(board_client, meeting, undecided, decided)
    make_decision(decided, board_member, meeting=meeting)
    items = {item.assessment_id: item for item in meeting.agenda_items.all()}

    board_client.post(f"/board/meetings/{meeting.pk}/agenda/{items[undecided.pk].pk}/remove/")
    response = board_client.post(
        f"/board/meetings/{meeting.pk}/agenda/{items[decided.pk].pk}/remove/", follow=True
    )
    assert "stays on the agenda" in response.content.decode()
    assert agenda_names(board_client, meeting) == ["Bravo"]
    assert AuditEvent.objects.filter(action="board.case_removed").count() == 1


def test_the_agenda_shows_each_case_s_decision_once_recorded(
    board_client, board_member, surgeon, meeting
):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    add(board_client, meeting, assessment)
    assert "Not yet" in board_client.get(f"/board/meetings/{meeting.pk}/").content.decode()
    make_decision(assessment, board_member, outcome="defer", plan="PET-CT", meeting=meeting)
    body = board_client.get(f"/board/meetings/{meeting.pk}/").content.decode()
    assert "Defer for work-up" in body


def test_attendance_records_clinicians_present_and_guests(
    board_client, board_member, surgeon, auditor, meeting
):
    page = board_client.get(f"/board/meetings/{meeting.pk}/")
    offered = set(page.context["attendance_form"].fields["members_present"].queryset)
    assert offered == {board_member, surgeon}  # auditors are not clinicians

    response = board_client.post(
        f"/board/meetings/{meeting.pk}/attendance/",
        {"members_present": [board_member.pk, surgeon.pk]},
    )
    assert response.status_code == 302
    board_client.post(
        f"/board/meetings/{meeting.pk}/guests/",
        {"name": "Dr Ines Moreau", "specialty": "Interventional radiology"},
    )
    body = board_client.get(f"/board/meetings/{meeting.pk}/").content.decode()
    assert "Sam Cutter" in body and "Bea Board" in body
    assert "Dr Ines Moreau · Interventional radiology" in body
    assert set(meeting.members_present.all()) == {board_member, surgeon}

    events = AuditEvent.objects.filter(action="board.attendance_recorded").order_by("sequence")
    assert [event.payload["change"] for event in events] == ["members", "guest_added"]
    assert events.last().payload["guests"] == 1
    assert "Moreau" not in str(events.last().payload)


def test_a_guest_needs_a_name_and_a_specialty_and_can_be_removed(board_client, meeting):
    response = board_client.post(f"/board/meetings/{meeting.pk}/guests/", {"name": "Dr Moreau"})
    assert response.status_code == 200
    assert "specialty" in response.context["guest_form"].errors
    board_client.post(
        f"/board/meetings/{meeting.pk}/guests/", {"name": "Dr Moreau", "specialty": "Radiology"}
    )
    guest = meeting.guests.get()
    board_client.post(f"/board/meetings/{meeting.pk}/guests/{guest.pk}/remove/")
    assert not meeting.guests.exists()
    assert (
        "No guests recorded" in board_client.get(f"/board/meetings/{meeting.pk}/").content.decode()
    )


def test_the_meeting_list_counts_cases_and_decisions(board_client, board_member, surgeon, meeting):
    first = make_assessment(make_patient(surgeon), surgeon)
    second = make_assessment(make_patient(surgeon), surgeon)
    add(board_client, meeting, first, second)
    decision = make_decision(first, board_member, meeting=meeting)
    make_decision(
        first,
        board_member,
        outcome="alternative",
        plan="Systemic therapy first",
        meeting=meeting,
        supersedes=decision,
        supersede_reason="Re-discussed",
    )
    response = board_client.get("/board/meetings/")
    listed = response.context["page"].object_list[0]
    assert (listed.case_count, listed.decision_count) == (2, 1)
