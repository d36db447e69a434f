import re

import pytest
from playwright.sync_api import expect

from decision.clinic.models import Assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_a_surgeon_registers_a_patient_assesses_reads_the_basis_and_corrects(page, log_in, surgeon):
    log_in(surgeon)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("MRN (medical record number)").fill("H998877")
    page.get_by_label("Family name").fill("Lindqvist")
    page.get_by_label("Given name").fill("Maja")
    page.get_by_label("Date of birth").fill("1955-03-14")
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_test_id("patient-banner")).to_contain_text("LINDQVIST, Maja")

    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Encounter date").fill("2026-11-20")
    choose(page, "Fit for major surgery", "Yes")
    choose(page, "Symptomatic primary tumor", "No")
    choose(page, "Primary tumor already resected", "No")
    choose(page, "Node-positive primary tumor", "Yes")
    page.get_by_label("Date liver metastases were diagnosed").fill("2026-10-01")
    page.get_by_label("Number of liver tumors").fill("3")
    page.get_by_label("Size of the largest liver tumor (cm)").fill("6")
    # CEA left empty: the form must say so instead of treating it as unknown.
    choose(page, "Extrahepatic staging complete", "Yes")
    choose(page, "Resectability of the liver metastases", "Resectable")
    page.get_by_role("button", name="Save and show the recommendation").click()

    expect(page.get_by_test_id("error-summary")).to_be_focused()
    expect(page.get_by_test_id("error-summary")).to_contain_text("tick Unknown")
    expect(page.locator("#id_cea_ng_ml_error")).to_be_visible()
    expect(page.locator("#id_cea_ng_ml_error")).to_contain_text("tick Unknown")
    expect(page.get_by_label("Number of liver tumors")).to_have_value("3")
    page.get_by_label("Preoperative CEA (ng/mL)").fill("250")
    page.get_by_role("button", name="Save and show the recommendation").click()

    # Spec section 8, example 1.
    expect(page).to_have_url(re.compile(r"/assessments/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("recommendation-text")).to_contain_text("hepatic artery infusion")
    expect(page.get_by_test_id("recommendation-label")).to_have_text(
        "Resect the primary and the liver metastases; place an HAI pump"
    )
    expect(page.get_by_test_id("intent")).to_have_text("Curative intent")
    expect(page.get_by_test_id("score")).to_have_text("5")
    expect(page.get_by_test_id("risk-group")).to_contain_text("High risk")
    page.get_by_text("How the recommendation was reached").click()
    expect(page.get_by_test_id("outcome-R5")).to_have_text("Fired")
    expect(page.get_by_test_id("survival-evidence")).to_contain_text("14%")
    expect(page.locator("svg.bar-chart")).to_be_visible()
    expect(page.get_by_test_id("audit-line")).to_contain_text("RESECT_PRIMARY_AND_LIVER_WITH_HAI")
    expect(page.locator('[data-note="EVIDENCE_CURRENCY"]')).to_be_visible()

    page.get_by_role("link", name="Correct this assessment").click()
    expect(page.get_by_label("Preoperative CEA (ng/mL)")).to_have_value("250")
    page.get_by_label("Preoperative CEA (ng/mL)").fill("")
    page.get_by_role("checkbox", name="Unknown").nth(2).check()
    page.get_by_label("Reason for the correction").fill("CEA result was from another patient")
    page.get_by_role("button", name="Save the correction").click()

    expect(page.get_by_test_id("supersedes-notice")).to_contain_text("CEA result was from another")
    expect(page.get_by_test_id("score")).to_have_text("4–5")
    expect(page.get_by_test_id("assessment-summary")).to_contain_text("preoperative CEA")
    assert Assessment.objects.count() == 2

    page.get_by_role("link", name="Patient record").click()
    expect(page.get_by_test_id("assessment-history")).to_contain_text("Superseded")
