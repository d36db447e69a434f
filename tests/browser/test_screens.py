"""The surgeon's and the board's screens, as people see them in a real browser: errors
that can be seen and reached, the board's decision back to the surgeon, no internal
codes, the first screen of an assessment, a short print, and a form done by keyboard."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decision.board.models import BoardDecision
from decision.clinic.models import Assessment
from decision.rules import knowledge
from tests.factories import (
    EXAMPLE_1_FINDINGS,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_meeting,
    make_patient,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODES = tuple(knowledge.RECOMMENDATIONS)


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_every_error_of_the_assessment_form_is_seen_beside_its_field_and_in_a_summary(
    page, log_in, surgeon
):
    patient = make_patient(surgeon)
    log_in(surgeon)
    page.goto(f"/patients/{patient.pk}/assessments/new/")
    # A resected primary cannot be symptomatic (spec section 2); the rest left unanswered.
    choose(page, "Primary tumor already resected", "Yes")
    choose(page, "Symptomatic primary tumor", "Yes")
    page.get_by_label("Number of liver tumors").fill("three")
    page.get_by_role("button", name="Save and show the recommendation").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    problems = summary.get_by_test_id("form-problem")
    errors = page.locator(".invalid-feedback")
    # Each problem of the summary is one error text, visible beside its field.
    expect(errors).to_have_count(problems.count())
    for index in range(errors.count()):
        expect(errors.nth(index)).to_be_visible()
    for text in (
        "Must be no when the primary tumor has already been resected.",
        "Choose yes or no.",
        "Choose yes, no or unknown.",
        "Enter a whole number, such as 3.",
        "Required when the primary tumor has been resected.",
    ):
        expect(page.locator(".invalid-feedback", has_text=text).first).to_be_visible()
        expect(summary).to_contain_text(text)
    assert "(false)" not in summary.inner_text()
    # What was typed is kept, and a link of the summary takes the focus to its field.
    expect(page.get_by_label("Number of liver tumors")).to_have_value("three")
    summary.get_by_role("link", name=re.compile("Number of liver tumors")).click()
    expect(page.get_by_label("Number of liver tumors")).to_be_focused()
    assert Assessment.objects.count() == 0


def test_the_surgeon_sees_the_board_s_decision_on_the_record_the_assessment_and_the_dashboard(
    page, log_in, surgeon, board_member
):
    patient = make_patient(surgeon, family_name="Okafor")
    assessment = make_assessment(patient, surgeon)
    make_decision(
        assessment, board_member, outcome="alternative", plan="Systemic chemotherapy first"
    )
    log_in(surgeon)
    decided = page.get_by_test_id("decided-since")
    expect(decided).to_contain_text("OKAFOR")
    expect(decided).to_contain_text("Alternative plan")

    page.goto(f"/patients/{patient.pk}/")
    history = page.get_by_test_id("assessment-history")
    expect(history).to_contain_text("Alternative plan: Systemic chemotherapy first")

    page.goto(f"/assessments/{assessment.pk}/")
    board = page.get_by_test_id("board-decision-summary")
    expect(board).to_contain_text("The tumor board's decision")
    expect(board).to_contain_text("Alternative plan")
    expect(board).to_contain_text("a plan other than the rules' recommendation")
    expect(page.get_by_test_id("recommendation-label")).to_have_text(
        "Resect the primary and the liver metastases; place an HAI pump"
    )


def test_correcting_a_decided_assessment_warns_before_saving(page, log_in, surgeon, board_member):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    make_decision(assessment, board_member, outcome="agree")
    log_in(surgeon)
    page.goto(f"/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Correct this assessment").click()
    warning = page.get_by_test_id("decided-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Agree with the recommendation")
    expect(warning).to_contain_text("puts the case back in the board's queue")


def test_a_deferred_case_stays_in_the_queue_marked_deferred(page, log_in, surgeon, board_member):
    case = make_assessment(make_patient(surgeon, family_name="Berg"), surgeon)
    make_meeting(board_member)
    log_in(board_member)
    page.goto(f"/board/cases/{case.pk}/")
    page.get_by_label("Defer for work-up").check()
    page.get_by_role("textbox", name="Plan").fill("Repeat liver MRI with contrast")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("decision is recorded")

    page.goto("/board/")
    row = page.get_by_test_id("queue-row").filter(has_text="BERG")
    expect(row.get_by_test_id("deferred")).to_contain_text("Repeat liver MRI with contrast")
    page.get_by_label("Status").select_option("deferred")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("queue-row")).to_have_count(1)


def test_a_failed_decision_shows_its_errors_at_the_top_of_the_case(
    page, log_in, surgeon, board_member
):
    case = make_assessment(make_patient(surgeon), surgeon)
    log_in(board_member)
    page.goto(f"/board/cases/{case.pk}/")
    page.get_by_role("button", name="Record the decision").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Choose the board's decision.")
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    assert BoardDecision.objects.count() == 0


def test_a_second_assessment_of_the_same_encounter_is_confirmed_first(page, log_in, surgeon):
    patient = make_patient(surgeon)
    first = make_assessment(patient, surgeon, encounter_date=timezone.localdate())
    log_in(surgeon)
    page.goto(f"/patients/{patient.pk}/assessments/new/")
    for question, answer in (
        ("Fit for major surgery", "Yes"),
        ("Symptomatic primary tumor", "No"),
        ("Primary tumor already resected", "No"),
        ("Node-positive primary tumor", "Yes"),
        ("Extrahepatic staging complete", "Yes"),
        ("Resectability of the liver metastases", "Resectable"),
    ):
        choose(page, question, answer)
    page.get_by_label("Date liver metastases were diagnosed").fill("2026-10-01")
    page.get_by_label("Number of liver tumors").fill("3")
    page.get_by_label("Size of the largest liver tumor (cm)").fill("6")
    page.get_by_label("Preoperative CEA (ng/mL)").fill("250")
    page.get_by_role("button", name="Save and show the recommendation").click()

    warning = page.get_by_test_id("same-encounter")
    expect(warning).to_be_focused()
    recorded = f"{timezone.localtime(first.created_at):%Y-%m-%d at %H:%M}"
    expect(warning).to_contain_text(recorded)
    assert Assessment.objects.count() == 1
    page.get_by_test_id("confirm-same-encounter").click()
    expect(page).to_have_url(re.compile(r"/assessments/[0-9a-f-]{36}/$"))
    assert Assessment.objects.count() == 2


@pytest.fixture
def everything(surgeon, board_member):
    """Every recommendation on record, decided, deferred and waiting, on a meeting."""
    findings = [
        EXAMPLE_1_FINDINGS,
        EXAMPLE_3_FINDINGS,
        {**EXAMPLE_1_FINDINGS, "fit_for_surgery": False},
        {**EXAMPLE_1_FINDINGS, "lung_metastases": True},
        {**EXAMPLE_1_FINDINGS, "lung_metastases": True, "symptomatic_primary": True},
        {**EXAMPLE_1_FINDINGS, "staging_complete": False},
        {**EXAMPLE_1_FINDINGS, "liver_resectability": "undetermined"},
        {**EXAMPLE_3_FINDINGS, "liver_resectability": "resectable"},
        {**EXAMPLE_1_FINDINGS, "liver_resectability": "unresectable"},
    ]
    cases = [make_assessment(make_patient(surgeon), surgeon, findings=f) for f in findings]
    assert {case.recommendation_code for case in cases} == set(CODES)
    meeting = make_meeting(board_member)
    from decision.board import services

    services.agenda_cases_add(organiser=board_member, meeting=meeting, assessments=cases)
    make_decision(cases[0], board_member, meeting=meeting)
    make_decision(cases[1], board_member, outcome="defer", plan="MRI", meeting=meeting)
    make_decision(cases[2], board_member, outcome="alternative", plan="Best supportive care")
    return {"cases": cases, "meeting": meeting, "patient": cases[0].patient}


@pytest.mark.parametrize("persona", ["surgeon", "board_member", "auditor", "admin_user"])
def test_no_recommendation_code_is_visible_outside_the_small_print(
    request, page, log_in, everything, persona
):
    log_in(request.getfixturevalue(persona))
    case, meeting = everything["cases"][0], everything["meeting"]
    pages = [
        "/",
        "/about/",
        "/patients/",
        f"/patients/{everything['patient'].pk}/",
        *(f"/assessments/{each.pk}/" for each in everything["cases"]),
        "/board/",
        f"/board/cases/{case.pk}/",
        f"/board/cases/{case.pk}/print/",
        f"/board/cases/{case.pk}/print/?appendix=basis",
        "/board/meetings/",
        f"/board/meetings/{meeting.pk}/",
        f"/board/meetings/{meeting.pk}/handout/",
        "/board/concordance/",
        "/audit/",
    ]
    seen = []
    for path in pages:
        if page.goto(path).status != 200:
            continue  # a page this role may not see
        for details in page.locator("details").all():
            details.evaluate("element => element.open = true")
        # The small print beside the rule set's id and version may hold the code.
        page.locator("[data-testid='audit-line']").evaluate_all(
            "lines => lines.forEach(line => line.remove())"
        )
        # The page's text, with every choice of every list (the filters).
        text = page.locator("body").inner_text() + " ".join(
            page.locator("option").all_inner_texts()
        )
        seen += [f"{path}: {code}" for code in CODES if code in text]
    assert seen == []


def test_the_first_screen_of_an_assessment_shows_what_section_9_lists(
    page, log_in, surgeon, board_member
):
    findings = {**EXAMPLE_3_FINDINGS, "primary_node_positive": None}
    assessment = make_assessment(make_patient(surgeon), surgeon, findings=findings)
    make_decision(assessment, board_member, outcome="alternative", plan="Resection after HAI")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(surgeon)
    page.goto(f"/assessments/{assessment.pk}/")
    for item in (
        "patient-banner",
        "recommendation-label",
        "intent",
        "score",
        "risk-group",
        "notes-count",
        "board-outcome",
    ):
        box = page.get_by_test_id(item).bounding_box()
        assert box is not None and box["y"] >= 0, item
        assert box["y"] + box["height"] <= 768, f"{item} is below the first screen: {box}"
    expect(page.get_by_test_id("score")).to_have_text("0–1")
    expect(page.get_by_test_id("board-outcome")).to_have_text("Alternative plan")


def test_an_assessment_reads_on_a_phone_without_scrolling_sideways(page, log_in, surgeon):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(surgeon)
    page.goto(f"/assessments/{assessment.pk}/")
    for details in page.locator("details").all():
        details.evaluate("element => element.open = true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    criteria = page.get_by_test_id("criteria")
    expect(criteria.locator("td[data-label='Status']").first).to_be_visible()


def test_the_basis_prints_expanded(page, log_in, surgeon):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    log_in(surgeon)
    page.goto(f"/assessments/{assessment.pk}/")
    expect(page.get_by_test_id("findings")).to_be_hidden()
    page.emulate_media(media="print")
    expect(page.get_by_test_id("findings")).to_be_visible()
    expect(page.get_by_test_id("trace")).to_be_visible()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_a_case_prints_on_two_a4_pages_with_the_full_basis_as_an_optional_appendix(
    page, log_in, surgeon, board_member
):
    case = make_assessment(make_patient(surgeon), surgeon)
    make_decision(case, board_member, outcome="alternative", plan="Chemotherapy first " * 20)
    log_in(board_member)
    page.goto(f"/board/cases/{case.pk}/print/")
    assert pdf_pages(page.pdf(format="A4")) <= 2
    page.get_by_role("link", name="Add the full basis as an appendix").click()
    expect(page.get_by_test_id("print-appendix")).to_be_attached()
    assert pdf_pages(page.pdf(format="A4")) > 2


def test_the_assessment_form_can_be_done_by_keyboard_alone(page, log_in, surgeon):
    patient = make_patient(surgeon)
    log_in(surgeon)
    page.goto(f"/patients/{patient.pk}/assessments/new/")
    focused = "document.activeElement"
    # autofocus applies at the browser's next rendering step, which may follow "load"
    expect(page.locator("[name=encounter_date]")).to_be_focused()

    def tab_to(name: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(f"{focused}.name") == name:
                return
        raise AssertionError(f"Tab never reached {name}")

    def answer(name: str, presses: list[str]) -> None:
        tab_to(name)
        for key in presses:
            page.keyboard.press(key)

    # Radio groups: Space picks the first answer, an arrow the next one.
    answer("fit_for_surgery", ["Space"])
    answer("symptomatic_primary", ["ArrowRight"])
    answer("primary_resected", ["ArrowRight"])
    answer("primary_node_positive", ["Space"])
    tab_to("liver_metastases_diagnosis_date")
    page.keyboard.type("10102026")  # the same whichever order the browser shows day and month
    tab_to("liver_tumor_count")
    page.keyboard.type("3")
    tab_to("largest_liver_tumor_cm")
    page.keyboard.type("6")
    # CEA left out: the save fails, and the errors take the focus, with a visible ring.
    answer("staging_complete", ["Space"])
    answer("liver_resectability", ["Space"])
    page.keyboard.press("Enter")
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    ring = summary.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2

    page.keyboard.press("Tab")  # the summary's link to the field
    page.keyboard.press("Enter")
    assert page.evaluate(f"{focused}.name") == "cea_ng_ml"
    page.keyboard.type("250")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/assessments/[0-9a-f-]{36}/$"))
    # As spec section 8, example 1 (synchronous, N+, 3 tumors, 6 cm, CEA 250): score 5.
    expect(page.get_by_test_id("score")).to_have_text("5")
    assessment = Assessment.objects.get()
    assert assessment.findings["liver_metastases_diagnosis_date"] == "2026-10-10"
    assert assessment.encounter_date == timezone.localdate()
