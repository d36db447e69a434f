"""Deactivating an account, or changing its password, ends every session it holds."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from decision.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in_browser(user) -> Client:
    browser = Client()
    response = browser.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/").status_code == 200
    return browser


def test_a_user_deactivated_and_reactivated_while_idle_must_log_in_again(surgeon):
    first, second = logged_in_browser(surgeon), logged_in_browser(surgeon)

    surgeon.is_active = False
    surgeon.save()
    surgeon.is_active = True
    surgeon.save()

    for browser in (first, second):
        response = browser.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    event = AuditEvent.objects.get(action="auth.sessions_ended")
    assert event.object_id == str(surgeon.pk)
    assert event.payload == {"reason": "deactivated", "sessions": 2}


def test_deactivating_one_user_leaves_everyone_else_logged_in(surgeon, board_member):
    colleague = logged_in_browser(board_member)
    logged_in_browser(surgeon)

    surgeon.is_active = False
    surgeon.save()

    assert colleague.get("/").status_code == 200
    assert Session.objects.count() == 1


def test_a_password_reset_by_the_administrator_ends_the_sessions(client, surgeon, admin_user):
    browser = logged_in_browser(surgeon)
    client.force_login(admin_user)

    new_password = "a-new-long-passphrase-42"
    response = client.post(
        f"/admin/auth/user/{surgeon.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert browser.get("/").status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action="auth.sessions_ended").payload["reason"] == (
        "password_changed"
    )


def test_logging_in_again_does_not_end_the_other_sessions(surgeon):
    first = logged_in_browser(surgeon)
    logged_in_browser(surgeon)

    assert first.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action="auth.sessions_ended").exists()
