"""A small record system in Chromium, on an origin of its own: its page calls the hook
with a token signed here, shows the card's summary and link, and the link leads to the
assessment page once the user has logged in."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.cds.conftest import SERVICE_PATH, hook_request, sign
from tests.conftest import PASSWORD
from tests.factories import make_assessment, make_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_SYSTEM_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Record system</title></head>
<body>
<main>
  <h1>Patient chart</h1>
  <section aria-label="Decision support"><p id="summary">Loading…</p><p id="links"></p></section>
</main>
<script src="record-system.js"></script>
</body>
</html>
"""

# What a record system does when the chart opens: call the service, show the cards.
RECORD_SYSTEM_SCRIPT = """
const call = %s;
fetch(call.url, {
  method: "POST",
  headers: {"Authorization": "Bearer " + call.token, "Content-Type": "application/json"},
  body: JSON.stringify(call.request),
}).then((answer) => answer.json()).then((response) => {
  const card = response.cards[0];
  document.getElementById("summary").textContent = card.summary;
  for (const link of card.links) {
    const anchor = document.createElement("a");
    anchor.href = link.url;
    anchor.textContent = link.label;
    document.getElementById("links").append(anchor);
  }
}).catch((error) => { document.getElementById("summary").textContent = "Failed: " + error; });
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def record_system(tmp_path):
    """Serves ``tmp_path`` on an origin of its own; yields that origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_record_system_shows_the_card_and_its_link_opens_the_assessment_after_login(
    page, live_server, record_system, tmp_path, register, board_member, surgeon, patient, ec_key
):
    assessment = make_assessment(patient, surgeon)
    make_decision(assessment, board_member, outcome="alternative", plan="Systemic therapy first")
    register(board_member, allowed_origins=record_system)
    service_url = f"{live_server.url}{SERVICE_PATH}"
    call = {"url": service_url, "token": sign(ec_key, aud=service_url), "request": hook_request()}
    (tmp_path / "index.html").write_text(RECORD_SYSTEM_PAGE)
    (tmp_path / "record-system.js").write_text(RECORD_SYSTEM_SCRIPT % json.dumps(call))

    page.goto(f"{record_system}/index.html")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("Fong 5/5, High risk.")
    expect(summary).to_contain_text("Board: Alternative plan")

    page.get_by_role("link", name="Open the assessment and its full basis").click()
    expect(page).to_have_url(f"{live_server.url}/login/?next=/assessments/{assessment.pk}/")
    page.get_by_label("Username").fill(board_member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/assessments/{assessment.pk}/")
    expect(page.get_by_test_id("recommendation-label")).to_have_text(
        "Resect the primary and the liver metastases; place an HAI pump"
    )
    expect(page.get_by_test_id("board-outcome")).to_have_text("Alternative plan")
