import pytest

from decision import rules
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db


def test_the_about_page_states_the_intended_use_and_every_source(surgeon_client):
    body = surgeon_client.get("/about/").content.decode()
    assert "health-care professionals only" in body
    assert "does not replace the tumor board" in body
    for source_id in (
        "kemeny-2006",
        "fong-1999",
        "nordlinger-1996",
        "mala-2002",
        "mann-2004",
        "eortc-40983",
        "esmo-2023",
        "e-ahpba-2023",
    ):
        assert f'id="source-{source_id}"' in body
    assert f"<code>{rules.RULESET.version}</code>" in body


def test_the_about_page_lists_exactly_the_spec_survival_figures(surgeon_client):
    body = surgeon_client.get("/about/").content.decode()
    for figure in ("60%", "14%", "40%", "12%", "72.5%", "31.2%", "0%"):
        assert f">{figure}<" in body


def test_the_dashboard_lists_the_surgeon_s_recent_assessments(surgeon_client, surgeon):
    assessment = make_assessment(make_patient(surgeon, family_name="Haddad"), surgeon)
    body = surgeon_client.get("/").content.decode()
    assert f"/assessments/{assessment.pk}/" in body and "HADDAD" in body
