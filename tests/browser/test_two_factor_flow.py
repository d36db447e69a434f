"""Two-factor sign-in in a real browser: setting up an authenticator app from the page,
logging in with its code or a recovery code, the lockout, and the administrator's reset."""

import base64
import re

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from decision.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import (
    RECOVERY_CODES,
    make_two_factor,
    totp_code,
    totp_code_wrong,
    two_factor_pause_passes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT's default
APP_CODE = "Code from your authenticator app"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def key_shown(page) -> bytes:
    """The setup key as the page shows it, read as an authenticator app would."""
    shown = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
    return base64.b32decode(shown + "=" * (-len(shown) % 8))


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_a_user_sets_up_an_authenticator_at_the_first_login_then_logs_in_with_it(
    page, log_in, surgeon
):
    log_in(surgeon)

    expect(page).to_have_url(re.compile(r"/login/two-factor/enrol/\?next="))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    qr_code = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0")
    key = key_shown(page)
    page.get_by_label(APP_CODE).fill(totp_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", name=re.compile("save your recovery codes"))).to_be_visible()
    shown = page.get_by_test_id("recovery-codes").get_by_role("listitem").all_inner_texts()
    saved = StaticToken.objects.filter(device__user=surgeon).values_list("token", flat=True)
    assert len(shown) == 10
    assert sorted(shown) == sorted(saved)
    codes_page = page.url
    page.get_by_role("link", name=re.compile("I have saved my codes")).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.goto(codes_page)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes")).to_have_count(0)

    log_out(page)
    log_in(surgeon)
    expect(page).to_have_url(re.compile(r"/login/two-factor/\?next="))
    # The enrolment's code used this 30-second step; each step is accepted once.
    page.get_by_label(APP_CODE).fill(totp_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert TOTPDevice.objects.get(user=surgeon).confirmed


def test_the_code_form_works_by_keyboard_alone(page, surgeon):
    device = make_two_factor(surgeon)
    page.goto("/patients/")
    page.get_by_label("Username").fill(surgeon.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/login/two-factor/\?next=/patients/$"))
    # autofocus applies at the browser's next rendering step, which may follow "load"
    expect(page.get_by_label(APP_CODE)).to_be_focused()
    page.keyboard.type(totp_code(device.bin_key))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Patients")).to_be_visible()


def test_a_recovery_code_logs_in_once(page, log_in, surgeon):
    make_two_factor(surgeon)
    log_in(surgeon)
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(RECOVERY_CODES[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    log_out(page)
    log_in(surgeon)
    page.get_by_role("link", name="Use a recovery code instead").click()
    page.get_by_label("Recovery code").fill(RECOVERY_CODES[0])
    page.get_by_role("button", name="Continue").click()

    field = page.get_by_label("Recovery code")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("That code was not accepted")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login/two-factor/"))
    assert StaticToken.objects.filter(device__user=surgeon).count() == len(RECOVERY_CODES) - 1


def test_wrong_codes_lead_to_the_lockout_page(page, log_in, surgeon):
    device = make_two_factor(surgeon)
    log_in(surgeon)
    wrong = totp_code_wrong(device.bin_key)

    for attempt in range(1, FAILURE_LIMIT + 1):
        # Each try waits out django-otp's pause after a wrong code, as a person would.
        two_factor_pause_passes(surgeon)
        page.get_by_label(APP_CODE).fill(wrong)
        page.get_by_role("button", name="Continue").click()
        if attempt < FAILURE_LIMIT:
            expect(page.get_by_text("That code was not accepted")).to_be_visible()

    expect(page.get_by_role("heading", name="Login temporarily locked")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    log_in(surgeon)
    expect(page.get_by_role("heading", name="Login temporarily locked")).to_be_visible()
    assert AuditEvent.objects.filter(action="auth.two_factor_failed").count() == FAILURE_LIMIT


def test_an_administrator_resets_a_users_two_factor_sign_in_from_the_user_list(
    page, log_in, admin_user, surgeon
):
    administrator_device = make_two_factor(admin_user)
    make_two_factor(surgeon)
    log_in(admin_user)
    page.get_by_label(APP_CODE).fill(totp_code(administrator_device.bin_key))
    page.get_by_role("button", name="Continue").click()

    page.goto("/admin/auth/user/")
    page.get_by_role("checkbox", name="Select this object for an action - surgeon").check()
    page.get_by_role("combobox", name="Action").select_option(label="Reset two-factor sign-in")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_text("Two-factor sign-in reset for 1 user")).to_be_visible()
    assert not TOTPDevice.objects.filter(user=surgeon).exists()
    assert not StaticDevice.objects.filter(user=surgeon).exists()
    reset = AuditEvent.objects.get(action="auth.two_factor_reset")
    assert (reset.actor, reset.object_id) == (admin_user, str(surgeon.pk))
