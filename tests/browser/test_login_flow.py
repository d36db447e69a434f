import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_logs_in_sees_the_dashboard_and_logs_out(page, log_in, surgeon):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))

    log_in(surgeon)

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text("surgeon")

    page.get_by_role("button", name="Log out").click()

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
