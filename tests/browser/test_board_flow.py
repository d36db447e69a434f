import re
from datetime import date

import pytest
from playwright.sync_api import expect

from decision.board.models import BoardDecision
from tests.factories import EXAMPLE_3_FINDINGS, make_assessment, make_meeting, make_patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_queues_a_case_decides_it_and_prints_it(page, log_in, surgeon, board_member):
    make_assessment(make_patient(surgeon, mrn="H100", family_name="Alvarez"), surgeon)
    case = make_assessment(
        make_patient(
            surgeon,
            mrn="H200",
            family_name="Berg",
            given_name="Ben",
            date_of_birth=date(1949, 5, 6),
        ),
        surgeon,
        findings=EXAMPLE_3_FINDINGS,
    )
    meeting = make_meeting(board_member, title="Liver MDT")

    log_in(board_member)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Board", exact=True
    ).click()
    expect(page.get_by_test_id("queue-row")).to_have_count(2)

    page.get_by_label("Recommendation", exact=True).select_option("HAI_FOR_UNRESECTABLE")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("queue-row")).to_have_count(1)
    expect(page.get_by_test_id("queue-count")).to_contain_text("1 case awaiting")
    assert "Berg" not in page.url and "H200" not in page.url

    page.get_by_label("Add BERG, Ben to the agenda").check()
    page.get_by_role("combobox", name="Meeting").select_option(str(meeting.pk))
    page.get_by_role("button", name="Add the ticked cases to the agenda").click()
    expect(page).to_have_url(re.compile(rf"/board/meetings/{meeting.pk}/$"))
    expect(page.get_by_test_id("agenda-row")).to_have_count(1)
    expect(page.get_by_test_id("agenda")).to_contain_text("BERG, Ben")

    page.get_by_role("link", name="BERG, Ben").click()
    expect(page.get_by_test_id("decision-status")).to_contain_text("Awaiting a board decision")
    expect(page.get_by_test_id("recommendation-text")).to_contain_text("hepatic artery infusion")
    # The meeting held today is chosen in advance as where the board decided.
    decided_at = page.get_by_role("group", name="Decided at")
    expect(decided_at.get_by_label(re.compile("Liver MDT"))).to_be_checked()
    page.get_by_label("Agree with the recommendation").check()
    page.get_by_label("Rationale").fill("Liver-only disease, fit for surgery")
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("status").first).to_contain_text("decision is recorded")
    expect(page.get_by_test_id("decision-status")).to_contain_text("Agree with the recommendation")
    decision = BoardDecision.objects.get()
    assert (decision.assessment_id, decision.meeting_id) == (case.pk, meeting.pk)

    page.get_by_role("link", name="Print view").click()
    expect(page).to_have_url(re.compile(rf"/board/cases/{case.pk}/print/$"))
    print_case = page.get_by_test_id("print-case")
    expect(print_case).to_contain_text("BERG, Ben")
    expect(print_case).to_contain_text("Agree with the recommendation")
    expect(print_case).to_contain_text("Curative intent: HAI to make the liver disease resectable")
    running = page.get_by_test_id("running-identifiers")
    expect(running).to_contain_text("BERG, Ben · MRN H200 · born 1949-05-06")
    navigation = page.get_by_role("navigation", name="Main")
    print_button = page.get_by_role("button", name="Print")
    expect(navigation).to_be_visible()
    expect(print_button).to_be_visible()
    expect(running).to_be_hidden()

    page.emulate_media(media="print")
    expect(navigation).to_be_hidden()
    expect(print_button).to_be_hidden()
    expect(running).to_be_visible()
    expect(page.get_by_test_id("intended-use")).to_be_visible()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
