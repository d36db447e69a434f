"""The API schema's interactive page, in a real browser under the app's content security
policy: its files come from the app, and it lists the operations.

The page is Swagger UI as published (drf-spectacular-sidecar). axe-core finds problems in
its own markup (nested buttons, heading order, contrast) that the app cannot change without
forking it; docs/api.md says so. It is a tool for integrators, not a clinical page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_interactive_page_lists_every_operation_from_the_apps_own_files(
    page, log_in, live_server, surgeon
):
    refused, elsewhere = [], []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Policy" in message.text else None,
    )
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
        ),
    )
    log_in(surgeon)
    expect(page).not_to_have_url(re.compile(r"/login/"))

    page.goto("/api/v1/schema/docs/")

    expect(page.get_by_text("/api/v1/evaluate", exact=True)).to_be_visible()
    expect(
        page.get_by_text("/api/v1/patients/{patient_id}/assessments/", exact=True).first
    ).to_be_visible()
    assert refused == []
    assert elsewhere == []
