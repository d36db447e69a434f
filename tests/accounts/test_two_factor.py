"""Two-factor sign-in: after the password, a code from an authenticator app or a recovery
code; nothing else is reachable before it when it is required."""

import base64
import io
import json
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from decision.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.core.test_access_matrix import MATRIX, fill, world  # noqa: F401  (fixture)
from tests.factories import (
    RECOVERY_CODES,
    make_two_factor,
    totp_code,
    totp_code_wrong,
    two_factor_pause_passes,
)

pytestmark = pytest.mark.django_db

FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT's default
SIGN_IN_PAGES = {
    "login",
    "logout",
    "healthz",
    "favicon",
    "two_factor_verify",
    "two_factor_enrol",
    "two_factor_recovery_codes",
}
# Endpoints that trust a record system's signed token and never a session.
MACHINE_ENDPOINTS = {"cds_discovery", "cds_service", "cds_feedback"}


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def password_login(client: Client, user, *, next_url: str = "") -> object:
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def send_code(client: Client, code: str, *, next_url: str = ""):
    return client.post("/login/two-factor/", {"code": code, "next": next_url})


def signed_in(user) -> Client:
    """A browser that has passed both steps (``user`` has an authenticator set up)."""
    browser = Client()
    password_login(browser, user)
    device = TOTPDevice.objects.get(user=user)
    assert send_code(browser, totp_code(device.bin_key)).status_code == 302
    return browser


def setup_key(response) -> bytes:
    """The secret the enrolment page shows, as an authenticator app reads it."""
    shown = re.search(r'data-testid="setup-key">([A-Z2-7 ]+)<', response.content.decode())[1]
    key = shown.replace(" ", "")
    return base64.b32decode(key + "=" * (-len(key) % 8))


def wrong_codes(client: Client, user, code: str, *, times: int) -> list[int]:
    """Send a wrong ``code`` ``times`` times, waiting out django-otp's pause before each;
    returns the status of each answer."""
    answers = []
    for _ in range(times):
        two_factor_pause_passes(user)
        answers.append(send_code(client, code).status_code)
    return answers


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# Required: where a password alone leads.


def test_after_the_password_a_user_without_an_authenticator_is_sent_to_set_one_up(client, surgeon):
    response = password_login(client, surgeon, next_url="/patients/")
    assert response["Location"] == "/patients/"

    response = client.get("/patients/")

    assert response.status_code == 302
    assert response["Location"] == "/login/two-factor/enrol/?next=/patients/"


def test_after_the_password_a_user_with_an_authenticator_is_asked_for_a_code(client, surgeon):
    make_two_factor(surgeon)
    password_login(client, surgeon)

    response = client.get("/patients/")

    assert response.status_code == 302
    assert response["Location"] == "/login/two-factor/?next=/patients/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Enter your sign-in code" in page.content.decode()


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        pytest.param(method, path, data, id=f"{method}-{name}-{path}")
        for name, method, path, data, _ in MATRIX
        if name not in SIGN_IN_PAGES | MACHINE_ENDPOINTS
    ],
)
def test_no_page_but_the_sign_in_pages_is_reachable_before_the_second_factor(
    client, request, admin_user, method, path, data
):
    values = request.getfixturevalue("world")["values"]
    client.force_login(admin_user)
    url = fill(path, values)

    response = getattr(client, method)(url, fill(data, values))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/two-factor/enrol/?next=")


def test_the_admin_site_asks_for_the_code_of_an_administrator_with_an_authenticator(
    client, admin_user
):
    make_two_factor(admin_user)
    client.force_login(admin_user)

    response = client.get("/admin/auth/user/")

    assert response.status_code == 302
    assert response["Location"] == "/login/two-factor/?next=/admin/auth/user/"


def test_the_sign_in_pages_static_files_and_the_health_check_stay_reachable(client, surgeon):
    client.force_login(surgeon)

    assert client.get("/login/two-factor/enrol/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/vendor/bootstrap/css/bootstrap.min.css").status_code == 200
    assert client.post("/logout/")["Location"] == "/login/"


def test_when_not_required_the_password_is_enough(client, surgeon, settings):
    settings.TWO_FACTOR_REQUIRED = False
    make_two_factor(surgeon)

    password_login(client, surgeon)

    assert client.get("/patients/").status_code == 200
    assert client.get("/admin/").status_code == 302  # a surgeon is not staff: admin login


# Enrolment.


def test_enrolment_shows_a_qr_code_and_the_same_secret_until_confirmed(client, surgeon):
    client.force_login(surgeon)

    first = client.get("/login/two-factor/enrol/")
    again = client.get("/login/two-factor/enrol/")

    assert setup_key(first) == setup_key(again)
    assert TOTPDevice.objects.filter(user=surgeon).count() == 1
    body = first.content.decode()
    assert re.search(r'<img [^>]*src="data:image/svg\+xml;base64,', body)
    assert re.search(r'<img [^>]*alt="QR code', body)
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body


def test_the_first_code_turns_two_factor_on_and_leads_to_the_recovery_codes(client, surgeon):
    client.force_login(surgeon)
    key = setup_key(client.get("/login/two-factor/enrol/?next=/patients/"))

    response = client.post(
        "/login/two-factor/enrol/", {"code": totp_code(key), "next": "/patients/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/login/two-factor/recovery-codes/?next=%2Fpatients%2F"
    assert TOTPDevice.objects.get(user=surgeon).confirmed
    assert StaticToken.objects.filter(device__user=surgeon).count() == 10
    assert client.get("/patients/").status_code == 200
    (enrolled,) = events("auth.two_factor_enrolled")
    assert (enrolled.actor, enrolled.object_id) == (surgeon, str(surgeon.pk))


def test_the_recovery_codes_are_shown_once(client, surgeon):
    client.force_login(surgeon)
    key = setup_key(client.get("/login/two-factor/enrol/"))
    client.post("/login/two-factor/enrol/", {"code": totp_code(key)})
    saved = set(StaticToken.objects.filter(device__user=surgeon).values_list("token", flat=True))

    shown = client.get("/login/two-factor/recovery-codes/?next=/patients/")
    again = client.get("/login/two-factor/recovery-codes/?next=/patients/")

    codes = re.findall(r"<li>([a-z2-7]{8})</li>", shown.content.decode())
    assert len(codes) == 10
    assert set(codes) == saved
    assert (again.status_code, again["Location"]) == (302, "/patients/")
    assert not any(code in json.dumps(dict(client.session)) for code in codes)


def test_a_wrong_first_code_is_refused_on_the_field_and_nothing_changes(client, surgeon):
    client.force_login(surgeon)
    key = setup_key(client.get("/login/two-factor/enrol/"))
    wrong = totp_code_wrong(key)

    response = client.post("/login/two-factor/enrol/", {"code": wrong})

    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TOTPDevice.objects.get(user=surgeon).confirmed
    assert not StaticDevice.objects.filter(user=surgeon).exists()
    assert client.get("/patients/").status_code == 302


def test_a_set_up_authenticator_never_shows_its_secret_again(client, surgeon):
    device = make_two_factor(surgeon)
    client.force_login(surgeon)

    response = client.get("/login/two-factor/enrol/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/two-factor/?next=")
    key = base64.b32encode(device.bin_key).decode()
    assert key not in client.get(response["Location"]).content.decode()


# The code page.


def test_a_code_from_the_app_completes_the_login_and_returns_to_next(client, surgeon):
    device = make_two_factor(surgeon)
    password_login(client, surgeon)

    response = send_code(client, totp_code(device.bin_key), next_url="/patients/")

    assert (response.status_code, response["Location"]) == (302, "/patients/")
    assert client.get("/patients/").status_code == 200
    (verified,) = events("auth.two_factor_verified")
    assert verified.actor == surgeon
    assert verified.payload == {"method": "totp"}
    assert not events("auth.recovery_code_used")


def test_a_code_is_accepted_with_the_spaces_it_was_shown_with(client, surgeon):
    device = make_two_factor(surgeon)
    password_login(client, surgeon)
    code = totp_code(device.bin_key)

    response = send_code(client, f"{code[:3]} {code[3:]}")

    assert response.status_code == 302


def test_a_code_from_the_app_is_accepted_only_once(surgeon):
    device = make_two_factor(surgeon)
    code = totp_code(device.bin_key)
    first, second = Client(), Client()
    password_login(first, surgeon)
    password_login(second, surgeon)

    assert send_code(first, code).status_code == 302
    assert send_code(second, code).status_code == 200


def test_next_leading_off_the_site_is_ignored(client, surgeon):
    device = make_two_factor(surgeon)
    password_login(client, surgeon)

    response = send_code(client, totp_code(device.bin_key), next_url="https://evil.example/")

    assert response["Location"] == "/"


def test_a_recovery_code_works_once(surgeon):
    make_two_factor(surgeon)
    first = Client()
    password_login(first, surgeon)

    response = send_code(first, RECOVERY_CODES[0].upper())

    assert response.status_code == 302
    assert first.get("/patients/").status_code == 200
    assert events("auth.two_factor_verified")[0].payload == {"method": "recovery_code"}
    assert events("auth.recovery_code_used")[0].payload == {"remaining": 2}

    second = Client()
    password_login(second, surgeon)
    refused = send_code(second, RECOVERY_CODES[0])

    assert refused.status_code == 200
    assert "That code was not accepted" in refused.content.decode()
    assert second.get("/patients/").status_code == 302
    assert len(events("auth.two_factor_failed")) == 1


def test_the_recovery_code_page_labels_the_field_for_letters(client, surgeon):
    make_two_factor(surgeon)
    password_login(client, surgeon)

    body = client.get("/login/two-factor/?use=recovery").content.decode()

    assert "Recovery code" in body
    assert 'inputmode="text"' in body


def test_a_code_of_the_wrong_shape_is_refused_without_counting_as_a_failure(client, surgeon):
    make_two_factor(surgeon)
    password_login(client, surgeon)

    response = send_code(client, "12345")

    assert response.status_code == 200
    assert "Enter the 6 digits" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert not events("auth.two_factor_failed")


def test_a_code_sent_right_after_a_wrong_one_must_wait_and_is_not_counted(client, surgeon):
    device = make_two_factor(surgeon)
    password_login(client, surgeon)
    send_code(client, totp_code_wrong(device.bin_key))

    too_soon = send_code(client, totp_code(device.bin_key))

    assert too_soon.status_code == 200
    assert "Too many wrong codes in a row. Wait 1 second," in too_soon.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == 1
    assert len(events("auth.two_factor_failed")) == 1
    two_factor_pause_passes(surgeon)
    assert send_code(client, totp_code(device.bin_key)).status_code == 302


# Lockout.


def test_wrong_codes_count_toward_the_lockout_like_wrong_passwords(client, surgeon):
    device = make_two_factor(surgeon)
    password_login(client, surgeon)
    wrong = totp_code_wrong(device.bin_key)

    answers = wrong_codes(client, surgeon, wrong, times=FAILURE_LIMIT)

    assert answers == [200] * (FAILURE_LIMIT - 1) + [429]
    failures = events("auth.two_factor_failed")
    assert [event.payload for event in failures] == [{"username": "surgeon"}] * FAILURE_LIMIT
    assert not events("auth.login_failed")
    assert events("auth.locked_out")
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert password_login(client, surgeon).status_code == 429


def test_wrong_passwords_and_wrong_codes_add_up(client, surgeon):
    device = make_two_factor(surgeon)
    for _ in range(FAILURE_LIMIT - 2):
        client.post("/login/", {"username": "surgeon", "password": "not-the-password"})
    password_login(client, surgeon)

    assert wrong_codes(client, surgeon, totp_code_wrong(device.bin_key), times=2) == [200, 429]


def test_a_user_locked_out_elsewhere_is_logged_out_at_the_code_page(surgeon):
    device = make_two_factor(surgeon)
    waiting, guessing = Client(), Client()
    password_login(waiting, surgeon)
    password_login(guessing, surgeon)
    wrong_codes(guessing, surgeon, totp_code_wrong(device.bin_key), times=FAILURE_LIMIT)

    response = waiting.get("/login/two-factor/")

    assert response.status_code == 429
    assert "_auth_user_id" not in waiting.session


def test_completing_the_second_step_forgets_earlier_failures(client, surgeon):
    device = make_two_factor(surgeon)
    client.post("/login/", {"username": "surgeon", "password": "not-the-password"})
    password_login(client, surgeon)
    assert AccessAttempt.objects.get().failures_since_start == 1

    send_code(client, totp_code(device.bin_key))

    assert not AccessAttempt.objects.exists()


def test_when_not_required_the_password_alone_forgets_earlier_failures(client, surgeon, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client.post("/login/", {"username": "surgeon", "password": "not-the-password"})
    assert AccessAttempt.objects.exists()

    password_login(client, surgeon)

    assert not AccessAttempt.objects.exists()


# The administrator's reset.


def test_an_administrator_resets_a_users_two_factor_sign_in(admin_user, surgeon):
    make_two_factor(admin_user)
    make_two_factor(surgeon)
    administrator, user = signed_in(admin_user), signed_in(surgeon)

    response = administrator.post(
        "/admin/auth/user/",
        {"action": "two_factor_reset_selected", "_selected_action": [surgeon.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=surgeon).exists()
    assert not StaticDevice.objects.filter(user=surgeon).exists()
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    assert user.get("/patients/")["Location"] == "/login/?next=/patients/"
    assert administrator.get("/patients/").status_code == 200
    (reset,) = events("auth.two_factor_reset")
    assert (reset.actor, reset.object_id) == (admin_user, str(surgeon.pk))
    ended = events("auth.sessions_ended")[-1]
    assert ended.payload == {"reason": "two_factor_reset", "sessions": 1}

    password_login(user, surgeon)
    assert user.get("/")["Location"] == "/login/two-factor/enrol/?next=/"


def test_the_user_list_shows_who_has_two_factor_sign_in(admin_user, surgeon, board_member):
    make_two_factor(admin_user)
    make_two_factor(surgeon)

    body = signed_in(admin_user).get("/admin/auth/user/").content.decode()

    rows = re.findall(r'<a href="/admin/auth/user/\d+/change/">(\w+)</a>.*?</tr>', body, re.S)
    marks = re.findall(r'class="field-two_factor"><img [^>]*alt="(\w+)"', body)
    assert dict(zip(rows, marks, strict=True)) == {
        "boardmember": "False",
        "chief": "True",
        "surgeon": "True",
    }


@pytest.mark.parametrize("model", ["otp_totp/totpdevice", "otp_static/staticdevice"])
def test_devices_have_no_admin_pages_of_their_own(admin_user, model):
    make_two_factor(admin_user)

    assert signed_in(admin_user).get(f"/admin/{model}/").status_code == 404


def test_the_command_line_resets_an_administrators_own_two_factor_sign_in(admin_user):
    make_two_factor(admin_user)
    browser = signed_in(admin_user)
    out = io.StringIO()

    call_command("two_factor_reset", "chief", stdout=out)

    assert "Two-factor sign-in reset for chief" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    assert not StaticDevice.objects.filter(user=admin_user).exists()
    assert browser.get("/admin/")["Location"].startswith("/admin/login/")
    (reset,) = events("auth.two_factor_reset")
    assert (reset.actor, reset.object_id) == (None, str(admin_user.pk))


def test_the_command_line_reset_refuses_an_unknown_user(admin_user):
    make_two_factor(admin_user)

    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("two_factor_reset", "nobody")

    assert TOTPDevice.objects.filter(user=admin_user).exists()


# Secrets stay secret.


def test_no_code_or_secret_reaches_the_logs_the_audit_log_or_the_lockout_records(
    client, surgeon, caplog
):
    caplog.set_level(logging.DEBUG)
    for name in ("axes", "django", "decision"):
        caplog.set_level(logging.DEBUG, logger=name)
    client.force_login(surgeon)
    key = setup_key(client.get("/login/two-factor/enrol/"))
    client.post("/login/two-factor/enrol/", {"code": totp_code(key)})
    recovery_codes = list(
        StaticToken.objects.filter(device__user=surgeon).values_list("token", flat=True)
    )
    client.get("/login/two-factor/recovery-codes/")
    client.post("/logout/")
    password_login(client, surgeon)
    wrong = totp_code_wrong(key)
    send_code(client, wrong)
    (attempt,) = AccessAttempt.objects.values_list("post_data", "get_data")
    send_code(client, recovery_codes[0])
    client.post("/logout/")
    password_login(client, surgeon)
    send_code(client, totp_code(key, steps_ahead=1))

    assert events("auth.two_factor_failed") and events("auth.recovery_code_used")
    assert "code=****" in attempt[0]
    payloads = AuditEvent.objects.values_list("payload", flat=True)
    kept = "\n".join([caplog.text, *attempt, *map(json.dumps, payloads)]).lower()
    secrets = [
        key.hex(),
        base64.b32encode(key).decode(),
        wrong,
        totp_code(key),
        totp_code(key, steps_ahead=1),
        *recovery_codes,
    ]
    assert [secret for secret in secrets if secret.lower() in kept] == []


def test_the_cds_hooks_endpoints_ignore_a_session_short_of_its_second_factor(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/cds-services")

    assert response.status_code == 200
    assert response.json()["services"][0]["id"] == "crlm-assessment"
