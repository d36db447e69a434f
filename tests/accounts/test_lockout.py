"""Bounded password guessing: per user name and address, and per account from anywhere."""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from decision.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def attempt(client, username: str, password: str, **addressing):
    return client.post("/login/", {"username": username, "password": password}, **addressing)


def logged_in(response) -> bool:
    return response.status_code == 302 and not response["Location"].startswith("/login/")


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]


def test_guesses_spread_over_25_addresses_lock_the_account_from_a_26th(client, surgeon):
    for index in range(25):
        attempt(client, surgeon.username, "wrong", REMOTE_ADDR=f"198.51.100.{index + 1}")

    response = attempt(client, surgeon.username, PASSWORD, REMOTE_ADDR="203.0.113.26")

    assert not logged_in(response)
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()


@pytest.mark.usefixtures("behind_proxy")
def test_behind_a_trusted_proxy_the_addresses_it_forwards_are_counted(client, surgeon):
    for index in range(25):
        forwarded = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"198.51.100.{index + 1}"}
        attempt(client, surgeon.username, "wrong", **forwarded)

    response = attempt(
        client, surgeon.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.26"
    )

    assert not logged_in(response)
    addresses = set(
        AuditEvent.objects.filter(action="auth.login_failed").values_list(
            "client_address", flat=True
        )
    )
    # Every attempt is audited under its client's address, the refused right one too.
    assert addresses == {f"198.51.100.{index + 1}" for index in range(25)} | {"203.0.113.26"}


@pytest.mark.usefixtures("behind_proxy")
def test_forged_forwarding_from_an_untrusted_peer_does_not_spread_the_guesses(client, surgeon):
    peer = "203.0.113.7"
    responses = [
        attempt(
            client,
            surgeon.username,
            "wrong",
            REMOTE_ADDR=peer,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{index + 1}",
        )
        for index in range(6)
    ]

    # The fifth failure from the one real address locks it out (DJANGO_LOGIN_FAILURE_LIMIT).
    assert [response.status_code for response in responses] == [200] * 4 + [429] * 2
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {peer}


def test_fewer_than_20_failures_an_hour_leave_the_account_open_from_a_new_address(client, surgeon):
    for index in range(19):
        attempt(client, surgeon.username, "wrong", REMOTE_ADDR=f"198.51.100.{index + 1}")

    response = attempt(client, surgeon.username, PASSWORD, REMOTE_ADDR="203.0.113.26")

    assert logged_in(response)


def test_an_administrator_reset_unlocks_the_account(client, surgeon):
    for index in range(20):
        attempt(client, surgeon.username, "wrong", REMOTE_ADDR=f"198.51.100.{index + 1}")
    assert attempt(client, surgeon.username, PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 429

    call_command("axes_reset_username", surgeon.username)

    assert logged_in(attempt(client, surgeon.username, PASSWORD, REMOTE_ADDR="203.0.113.1"))


def test_the_account_limit_counts_only_the_last_hour(client, surgeon, settings):
    from datetime import timedelta

    from axes.models import AccessFailureLog
    from django.utils import timezone

    for index in range(20):
        attempt(client, surgeon.username, "wrong", REMOTE_ADDR=f"198.51.100.{index + 1}")
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))

    assert logged_in(attempt(client, surgeon.username, PASSWORD, REMOTE_ADDR="203.0.113.1"))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/login/", b"Please enter a correct username and password"),
        ("/admin/login/", b"Please enter the correct username and password"),
    ],
)
def test_a_300_character_user_name_is_a_failed_login_audited_and_counted(client, path, message):
    name = "n" * 300

    response = client.post(path, {"username": name, "password": "whatever"})

    assert response.status_code == 200
    assert message in response.content
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.payload == {"username": "n" * 150}
    assert AccessAttempt.objects.get().username == "n" * 150


def test_administrators_see_lockouts_on_their_dashboard_and_others_do_not(
    client, surgeon, admin_user, board_member
):
    for _ in range(6):
        attempt(client, surgeon.username, "wrong", REMOTE_ADDR="198.51.100.77")

    client.force_login(admin_user)
    page = client.get("/").content.decode()
    client.force_login(board_member)
    colleague_page = client.get("/").content.decode()

    assert "Login lockouts since" in page
    assert "198.51.100.77" in page
    assert "Login lockouts since" not in colleague_page
