"""axe-core finds no accessibility violation on any page, for each role, wide and narrow.

Each test logs in once through the real login form, then visits every page its role may
see (as ``tests/core/test_access_matrix.py`` allows), runs the vendored axe-core on it and
reports every violation of every page together.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import NamedTuple
from uuid import UUID

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decision.board import services as board_services
from tests.factories import (
    EXAMPLE_1_FINDINGS,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_meeting,
    make_patient,
    totp_code,
    totp_code_wrong,
    two_factor_pause_passes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = [(1366, 768), (390, 844)]
TARGETS_SHOWN = 3

EVERYONE = frozenset({"surgeon", "board_member", "auditor", "no_role_user", "admin_user"})
CLINICAL_READ = frozenset({"surgeon", "board_member", "admin_user"})
CLINICAL_WRITE = frozenset({"surgeon", "admin_user"})
BOARD_WRITE = frozenset({"board_member", "admin_user"})
AUDIT_READ = frozenset({"auditor", "admin_user"})
ANONYMOUS = frozenset({"anonymous"})


class Visit(NamedTuple):
    """A page to check: its path (filled from the ``clinic`` fixture), who may see it (as in
    ``tests/core/test_access_matrix.py``), the status it answers, and whether to check it
    after submitting its form empty."""

    path: str
    roles: frozenset[str]
    status: int = 200
    submit_empty: bool = False


VISITS = [
    Visit("/login/", ANONYMOUS),
    Visit("/login/", ANONYMOUS, submit_empty=True),
    Visit("/", EVERYONE),
    Visit("/about/", EVERYONE),
    Visit("/patients/", CLINICAL_READ),
    Visit("/patients/new/", CLINICAL_WRITE),
    Visit("/patients/new/", CLINICAL_WRITE, submit_empty=True),
    Visit("/patients/{patient}/", CLINICAL_READ),
    Visit("/patients/{patient}/assessments/new/", CLINICAL_WRITE),
    Visit("/patients/{patient}/assessments/new/", CLINICAL_WRITE, submit_empty=True),
    Visit("/assessments/{original}/", CLINICAL_READ),
    Visit("/assessments/{case}/", CLINICAL_READ),
    Visit("/assessments/{case}/correct/", CLINICAL_WRITE),
    Visit("/board/", CLINICAL_READ),
    Visit("/board/cases/{case}/", CLINICAL_READ),
    Visit("/board/cases/{waiting}/", CLINICAL_READ),
    Visit("/board/cases/{case}/print/", CLINICAL_READ),
    Visit("/board/meetings/", CLINICAL_READ),
    Visit("/board/meetings/new/", BOARD_WRITE),
    Visit("/board/meetings/{meeting}/", CLINICAL_READ),
    Visit("/board/meetings/{meeting}/handout/", CLINICAL_READ),
    Visit("/board/export/", BOARD_WRITE),
    Visit("/board/concordance/", CLINICAL_READ),
    Visit("/audit/", AUDIT_READ),
    Visit("/admin/", frozenset({"admin_user"})),
    Visit("/admin/cds/cdsclient/add/", frozenset({"admin_user"})),
    # The error pages: not found, and a role refused an action.
    Visit("/no-such-page/", EVERYONE | ANONYMOUS, status=404),
    Visit("/patients/new/", frozenset({"board_member"}), status=403),
    Visit("/board/meetings/new/", frozenset({"surgeon"}), status=403),
]


@pytest.fixture
def page(chromium, live_server):
    """A page whose context ignores the content security policy, which allows only the
    app's own scripts, so that the vendored axe-core can be injected."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def clinic(surgeon, board_member) -> dict[str, UUID]:
    """A corrected assessment decided at today's meeting, a second case on its agenda awaiting
    the board, and an upcoming meeting."""
    patient = make_patient(surgeon, family_name="Lindqvist", given_name="Maja")
    original = make_assessment(patient, surgeon, findings=EXAMPLE_3_FINDINGS)
    case = make_assessment(
        patient,
        surgeon,
        findings=EXAMPLE_1_FINDINGS,
        supersedes=original,
        supersede_reason="CEA result was from another patient",
    )
    waiting = make_assessment(make_patient(surgeon, family_name="Berg"), surgeon)
    meeting = make_meeting(board_member, meeting_date=timezone.localdate(), title="Liver MDT")
    make_meeting(board_member, title="Next liver MDT")
    board_services.agenda_cases_add(
        organiser=board_member, meeting=meeting, assessments=[case, waiting]
    )
    board_services.attendance_record(
        organiser=board_member, meeting=meeting, members_present=[board_member]
    )
    board_services.guest_add(
        organiser=board_member, meeting=meeting, name="Dr Moreau", specialty="Radiology"
    )
    make_decision(case, board_member, rationale="Liver-only disease", meeting=meeting)
    return {
        "patient": patient.pk,
        "original": original.pk,
        "case": case.pk,
        "waiting": waiting.pk,
        "meeting": meeting.pk,
    }


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=AXE)
    return page.evaluate("axe.run().then(results => results.violations)")


def described(violation: dict, url: str, width: int) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    shown = ", ".join(targets[:TARGETS_SHOWN])
    more = f" and {len(targets) - TARGETS_SHOWN} more" if len(targets) > TARGETS_SHOWN else ""
    return (
        f"{url} at {width} px: {violation['id']} ({violation['impact']}) "
        f"{violation['help']}: {shown}{more}"
    )


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
@pytest.mark.parametrize("persona", sorted(EVERYONE | ANONYMOUS))
def test_axe_finds_no_violation_on_any_page_the_role_may_see(
    request, live_server, page, log_in, clinic, persona, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    if persona != "anonymous":
        log_in(request.getfixturevalue(persona))
        expect(page).not_to_have_url(re.compile(r"/login/"))

    violations = []
    for visit in VISITS:
        if persona not in visit.roles:
            continue
        response = page.goto(visit.path.format(**clinic))
        if visit.submit_empty:
            with page.expect_response(lambda answer: answer.request.method == "POST") as posted:
                page.locator("main form[method='post'] [type='submit']").first.click()
            response = posted.value
            page.wait_for_load_state()
        assert response.status == visit.status, f"{page.url} answered {response.status}"
        url = page.url.removeprefix(live_server.url)
        if visit.submit_empty:
            url += " (submitted empty)"
        violations += [described(violation, url, width) for violation in axe_violations(page)]

    if violations:
        pytest.fail("\n".join(violations), pytrace=False)


FOCUS_RINGS = """() => {
  const behind = (element) => {
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour.startsWith("rgb(")) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const focusable = document.querySelectorAll(
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])"
  );
  const rings = [];
  for (const element of focusable) {
    element.focus();
    if (document.activeElement !== element || element.getClientRects().length === 0) continue;
    const style = getComputedStyle(element);
    rings.push({
      html: element.outerHTML.slice(0, 120),
      type: element.type || element.tagName.toLowerCase(),
      visible: element.matches(":focus-visible") && style.outlineStyle !== "none",
      width: parseFloat(style.outlineWidth),
      colour: style.outlineColor,
      background: behind(element),
    });
  }
  return rings;
}"""
# WCAG 2.2: a focus indicator at least 2 CSS pixels thick (2.4.13), contrasting at least
# 3:1 with what surrounds it (1.4.11).
RING_MIN_WIDTH = 2
RING_MIN_CONTRAST = 3


def rgb(colour: str, background: str = "rgb(255, 255, 255)") -> list[float]:
    """The colour's red, green and blue (0 to 1), blended over the background if translucent."""
    values = [float(value) for value in re.findall(r"[\d.]+", colour)]
    channels = [value / 255 for value in values[:3]]
    alpha = values[3] if len(values) > 3 else 1.0
    if alpha == 1.0:
        return channels
    behind = rgb(background)
    return [alpha * c + (1 - alpha) * b for c, b in zip(channels, behind, strict=True)]


def luminance(channels: list[float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(colour: str, background: str) -> float:
    lighter, darker = sorted(
        (luminance(rgb(colour, background)), luminance(rgb(background))), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_every_focusable_element_shows_a_thick_contrasting_focus_ring_from_the_keyboard(
    page, log_in, surgeon, width, height
):
    patient = make_patient(surgeon)
    page.set_viewport_size({"width": width, "height": height})
    log_in(surgeon)
    expect(page).not_to_have_url(re.compile(r"/login/"))
    page.goto(f"/patients/{patient.pk}/assessments/new/")
    page.keyboard.press("Tab")

    rings = page.evaluate(FOCUS_RINGS)

    assert {"radio", "checkbox", "submit", "a"} <= {ring["type"] for ring in rings}
    faint = [
        f"{ring['html']}: {ring['width']} px {ring['colour']} on {ring['background']}"
        if ring["visible"]
        else f"{ring['html']}: no focus ring"
        for ring in rings
        if not ring["visible"]
        or ring["width"] < RING_MIN_WIDTH
        or contrast(ring["colour"], ring["background"]) < RING_MIN_CONTRAST
    ]
    assert not faint, "\n".join(faint)


@pytest.mark.parametrize(("width", "height"), WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_axe_finds_no_violation_on_the_two_factor_pages(
    live_server, page, log_in, surgeon, settings, width, height
):
    """Setting up an authenticator app (empty, wrong code), the recovery codes, and the code
    page (empty, and for a recovery code)."""
    settings.TWO_FACTOR_REQUIRED = True
    page.set_viewport_size({"width": width, "height": height})
    violations = []

    def check(what: str) -> None:
        url = page.url.removeprefix(live_server.url)
        violations.extend(
            described(violation, f"{url} ({what})", width) for violation in axe_violations(page)
        )

    def submit(code: str) -> None:
        page.locator("main form[method='post'] [name='code']").fill(code)
        page.locator("main form[method='post'] [type='submit']").click()
        page.wait_for_load_state()

    log_in(surgeon)
    expect(page).to_have_url(re.compile(r"/login/two-factor/enrol/"))
    check("enrolment")
    submit("")
    check("enrolment, submitted empty")
    setup_key = page.get_by_test_id("setup-key").inner_text().replace(" ", "")
    key = base64.b32decode(setup_key + "=" * (-len(setup_key) % 8))
    submit(totp_code_wrong(key))
    check("enrolment, wrong code")
    two_factor_pause_passes(surgeon)
    submit(totp_code(key))
    expect(page).to_have_url(re.compile(r"/login/two-factor/recovery-codes/"))
    check("recovery codes")

    page.get_by_role("link", name=re.compile("I have saved my codes")).click()
    page.context.clear_cookies()  # a new browser: the password, then the code page
    log_in(surgeon)
    expect(page).to_have_url(re.compile(r"/login/two-factor/\?"))
    check("code")
    submit("")
    check("code, submitted empty")
    page.get_by_role("link", name="Use a recovery code instead").click()
    check("recovery code")

    if violations:
        pytest.fail("\n".join(violations), pytrace=False)


def test_axe_finds_no_violation_on_an_administrators_dashboard_listing_a_lockout(
    live_server, page, log_in, admin_user, surgeon
):
    for _ in range(5):
        page.goto("/login/")
        page.get_by_label("Username").fill(surgeon.username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Login temporarily locked")).to_be_visible()
    log_in(admin_user)
    page.goto("/")
    expect(page.get_by_test_id("lockouts")).to_contain_text(surgeon.username)

    violations = [described(violation, "/", 1280) for violation in axe_violations(page)]

    assert violations == []


def test_axe_finds_no_violation_on_the_csrf_refusal_page(page, log_in, surgeon):
    log_in(surgeon)
    page.goto("/patients/new/")
    page.context.clear_cookies(name="csrftoken")
    page.get_by_role("button", name=re.compile("Register")).click()
    expect(page.get_by_role("heading", name="This form could not be accepted")).to_be_visible()

    violations = [described(violation, "csrf", 1280) for violation in axe_violations(page)]

    assert violations == []


def _standalone_pages() -> dict[str, str]:
    """The pages shown when the request, the session or the database cannot be relied on,
    rendered by the app's own handlers (the 500 handler reads the exception being handled,
    as Django calls it)."""
    from django.db import OperationalError
    from django.test import RequestFactory

    from decision.core import errors

    request = RequestFactory().get("/patients/")
    request.request_id = "a" * 32
    pages = {"400": errors.bad_request(request).content.decode()}
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        pages["500"] = errors.server_error(request).content.decode()
    try:
        raise OperationalError("the database is down")
    except OperationalError:
        pages["503"] = errors.server_error(request).content.decode()
    return pages


def test_axe_finds_no_violation_on_the_pages_shown_without_a_database(live_server, page):
    page.goto("/login/")
    violations = []
    for status, html in _standalone_pages().items():
        page.set_content(html)
        violations += [described(v, f"the {status} page", 1280) for v in axe_violations(page)]

    assert violations == []
