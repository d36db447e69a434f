"""Who may do what under /board/: clinical readers read, the tumor board acts."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from decision.board import services
from decision.board.models import BoardDecision
from tests.factories import make_assessment, make_meeting, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(surgeon, board_member):
    """A case on a meeting's agenda with a guest, and a second case still in the queue."""
    case = make_assessment(make_patient(surgeon), surgeon)
    other = make_assessment(make_patient(surgeon), surgeon)
    meeting = make_meeting(board_member)
    services.agenda_cases_add(organiser=board_member, meeting=meeting, assessments=[case])
    guest = services.guest_add(
        organiser=board_member, meeting=meeting, name="Dr Moreau", specialty="Radiology"
    )
    return {
        "case": case.pk,
        "other": other.pk,
        "meeting": meeting.pk,
        "item": meeting.agenda_items.get().pk,
        "guest": guest.pk,
        "surgeon": surgeon.pk,
        "board_member": board_member.pk,
    }


READS = [
    "/board/",
    "/board/?risk_group=high&page=1",
    "/board/cases/{case}/",
    "/board/cases/{case}/print/",
    "/board/meetings/",
    "/board/meetings/{meeting}/",
    "/board/meetings/{meeting}/handout/",
    "/board/concordance/",
]

# (method, url, form data, status for the tumor board and administrators)
WRITES = [
    ("get", "/board/meetings/new/", {}, 200),
    ("post", "/board/meetings/new/", {"meeting_date": "2030-01-02", "title": "MDT"}, 302),
    ("post", "/board/agenda/add/", {"meeting": "{meeting}", "assessments": ["{other}"]}, 302),
    (
        "post",
        "/board/cases/{case}/",
        {
            "outcome": "agree",
            "plan": "",
            "rationale": "",
            "meeting": "{meeting}",
            "idempotency_key": "{key}",
        },
        302,
    ),
    ("post", "/board/meetings/{meeting}/agenda/{item}/move/", {"direction": "up"}, 302),
    ("post", "/board/meetings/{meeting}/agenda/{item}/remove/", {}, 302),
    ("post", "/board/meetings/{meeting}/attendance/", {"members_present": ["{surgeon}"]}, 302),
    ("post", "/board/meetings/{meeting}/guests/", {"name": "Dr A", "specialty": "Oncology"}, 302),
    ("post", "/board/meetings/{meeting}/guests/{guest}/remove/", {}, 302),
    ("get", "/board/export/", {}, 200),
    ("post", "/board/export/", {"date_from": "", "date_to": ""}, 200),
]


def fill(template, world):
    values = {**world, "key": uuid.uuid4()}
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, list):
        return [fill(item, world) for item in template]
    return {name: fill(value, world) for name, value in template.items()}


def call(client, method, url, data, world):
    return getattr(client, method)(fill(url, world), fill(data, world))


@pytest.fixture(params=["board_member", "admin_user"])
def board_side(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


@pytest.mark.parametrize("url", READS)
def test_surgeons_and_the_board_read_every_board_page(client, surgeon, board_member, world, url):
    for user in (surgeon, board_member):
        client.force_login(user)
        assert client.get(fill(url, world)).status_code == 200


@pytest.mark.parametrize(("method", "url", "data", "status"), WRITES)
def test_the_tumor_board_and_administrators_may_act(board_side, world, method, url, data, status):
    assert call(board_side, method, url, data, world).status_code == status


@pytest.mark.parametrize(("method", "url", "data", "status"), WRITES)
def test_a_surgeon_is_refused_every_board_action(client, surgeon, world, method, url, data, status):
    client.force_login(surgeon)
    assert call(client, method, url, data, world).status_code == 403
    assert BoardDecision.objects.count() == 0


@pytest.mark.parametrize("persona", ["auditor", "no_role_user"])
def test_users_without_a_clinical_role_find_nothing_under_board(request, client, world, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in READS:
        assert client.get(fill(url, world)).status_code == 404, url
    for method, url, data, _ in WRITES:
        assert call(client, method, url, data, world).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for url in READS:
        response = client.get(fill(url, world))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    for method, url, data, _ in WRITES:
        assert call(client, method, url, data, world).status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/board/cases/00000000-0000-0000-0000-000000000000/",
        "/board/cases/00000000-0000-0000-0000-000000000000/print/",
        "/board/meetings/00000000-0000-0000-0000-000000000000/",
        "/board/meetings/00000000-0000-0000-0000-000000000000/handout/",
        "/board/cases/not-a-uuid/",
    ],
)
def test_unknown_objects_are_404(board_client, url):
    assert board_client.get(url).status_code == 404


def test_an_agenda_item_of_another_meeting_is_404(board_client, board_member, world):
    other = make_meeting(board_member, meeting_date=timezone.localdate() + timedelta(days=9))
    url = f"/board/meetings/{other.pk}/agenda/{world['item']}/move/"
    assert board_client.post(url, {"direction": "up"}).status_code == 404


def test_changes_need_the_csrf_token(board_member, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_member)
    response = client.post(
        f"/board/cases/{world['case']}/",
        {"outcome": "agree", "plan": "", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 403
    assert BoardDecision.objects.count() == 0


def test_pages_with_patient_data_are_not_cached(board_client, world):
    for url in READS:
        assert "no-store" in board_client.get(fill(url, world))["Cache-Control"], url
