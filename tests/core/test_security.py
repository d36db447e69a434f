"""Authentication limits and the browser protections every page carries."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from decision.audit.models import AuditEvent
from decision.core.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from tests.conftest import PASSWORD
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db


def attempt(client: Client, password: str, *, address: str = "10.0.0.1"):
    return client.post(
        "/login/", {"username": "surgeon", "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_lock_the_user_name_from_that_address(client, surgeon):
    for _ in range(5):
        assert attempt(client, "wrong-password-0").status_code in (200, 429)
    locked = attempt(client, PASSWORD)
    assert locked.status_code == 429
    assert "for 15 minutes after repeated failures from this computer" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_four_failures_do_not_lock(client, surgeon):
    for _ in range(4):
        attempt(client, "wrong-password-0")
    assert attempt(client, PASSWORD).status_code == 302


def test_the_lock_is_per_address(client, surgeon):
    for _ in range(5):
        attempt(client, "wrong-password-0", address="10.0.0.1")
    assert attempt(Client(), PASSWORD, address="10.0.0.2").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, surgeon, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(5):
        attempt(client, "wrong-password-0")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert attempt(client, PASSWORD).status_code == 302


@pytest.mark.parametrize("password", ["short-pw-1", "password1234", "123456789012", "surgeon12345"])
def test_weak_passwords_are_refused(password, surgeon):
    with pytest.raises(ValidationError):
        validate_password(password, user=surgeon)


def test_a_long_uncommon_password_is_accepted(surgeon):
    validate_password("tangerine-lighthouse-47", user=surgeon)


def test_the_session_id_changes_at_login(client, surgeon):
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    assert client.session.session_key != before


def test_logout_ends_the_session_on_the_server(client, surgeon):
    from django.contrib.sessions.models import Session

    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    key = client.session.session_key
    client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/").status_code == 302


def age_session(client: Client, *, started_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_SEEN_KEY] = now - seen_ago
    session.save()


def test_thirty_idle_minutes_end_the_session(client, surgeon):
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    age_session(client, started_ago=31 * 60, seen_ago=31 * 60)
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.session_expired", payload={"reason": "idle_timeout"}
    ).exists()


def test_activity_keeps_the_session_alive(client, surgeon):
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    age_session(client, started_ago=3 * 3600, seen_ago=29 * 60)
    assert client.get("/").status_code == 200


def test_twelve_hours_end_the_session_even_when_active(client, surgeon):
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    age_session(client, started_ago=12 * 3600 + 60, seen_ago=10)
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.session_expired", payload={"reason": "absolute_limit"}
    ).exists()


def test_the_limits_are_configurable(client, surgeon, settings):
    from datetime import timedelta

    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=5)
    client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    age_session(client, started_ago=6 * 60, seen_ago=6 * 60)
    assert client.get("/").status_code == 302


def test_pages_carry_the_security_headers(surgeon_client):
    response = surgeon_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store, private"


def test_the_login_page_carries_the_policy_too(client):
    response = client.get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_no_page_has_inline_script_or_style(surgeon_client, surgeon):
    import re

    patient = make_patient(surgeon)
    assessment = make_assessment(patient, surgeon)
    for url in (
        "/",
        "/about/",
        "/patients/",
        "/patients/new/",
        f"/patients/{patient.pk}/",
        f"/patients/{patient.pk}/assessments/new/",
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/correct/",
    ):
        body = surgeon_client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert not re.search(r"\sstyle=", body), url
        assert not re.search(r"\son[a-z]+=", body), url


HOSTILE = "<script>alert(1)</script>"


def test_a_hostile_patient_name_is_shown_as_text_everywhere(surgeon_client, surgeon, board_member):
    from decision.board import services as board_services
    from tests.factories import make_decision, make_meeting

    patient = make_patient(surgeon, family_name=HOSTILE, given_name=HOSTILE, mrn="X<b>1</b>")
    original = make_assessment(patient, surgeon)
    current = make_assessment(patient, surgeon, supersedes=original, supersede_reason=HOSTILE)
    meeting = make_meeting(board_member, title=HOSTILE)
    board_services.agenda_cases_add(organiser=board_member, meeting=meeting, assessments=[current])
    board_services.guest_add(
        organiser=board_member, meeting=meeting, name=HOSTILE, specialty=HOSTILE
    )
    other = make_assessment(make_patient(surgeon, family_name=HOSTILE, mrn="Y<i>2</i>"), surgeon)
    make_decision(other, board_member, outcome="alternative", plan=HOSTILE, rationale=HOSTILE)
    surgeon_client.post("/patients/", {"query": "<script>"})
    pages = [
        "/",
        "/patients/",
        f"/patients/{patient.pk}/",
        f"/patients/{patient.pk}/assessments/new/",
        f"/assessments/{original.pk}/",
        f"/assessments/{current.pk}/",
        "/board/",
        f"/board/cases/{current.pk}/",
        f"/board/cases/{other.pk}/",
        f"/board/cases/{other.pk}/print/",
        "/board/meetings/",
        f"/board/meetings/{meeting.pk}/",
        f"/board/meetings/{meeting.pk}/handout/",
    ]
    for url in pages:
        body = surgeon_client.get(url).content.decode()
        assert HOSTILE not in body and "<b>1</b>" not in body and "<i>2</i>" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body or "&lt;SCRIPT&gt;" in body, url
