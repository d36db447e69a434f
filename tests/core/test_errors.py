import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import path

from decision.urls import urlpatterns as real_urlpatterns

pytestmark = pytest.mark.django_db


def explode(request):
    raise RuntimeError("boom")


@login_not_required
def explode_openly(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("cds-services/explode", explode_openly),
    *real_urlpatterns,
    path("explode/", explode),
]
handler500 = "decision.core.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_server_error_shows_a_reference_and_no_traceback(surgeon):
    client = Client(raise_request_exception=False)
    client.force_login(surgeon)
    response = client.get("/explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert response["X-Request-ID"] in body
    assert "Traceback" not in body and "boom" not in body


@pytest.mark.urls(__name__)
def test_a_server_error_on_a_cds_hooks_path_is_json():
    response = Client(raise_request_exception=False).get("/cds-services/explode")
    assert response.status_code == 500
    assert response.json() == {"error": "server_error", "request_id": response["X-Request-ID"]}


def test_unknown_pages_are_a_plain_404(client, surgeon):
    client.force_login(surgeon)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_each_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_safe_request_id_from_the_proxy_is_kept_and_an_unsafe_one_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert kept["X-Request-ID"] == "proxy-1234abcd"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\n")
    assert replaced["X-Request-ID"] != "<script>\n"


@pytest.mark.parametrize("debug", [True, False], ids=["in_development", "in_production"])
def test_a_page_refused_to_the_role_shows_the_apps_own_not_found_page(
    client, surgeon, settings, debug
):
    settings.DEBUG = debug
    client.force_login(surgeon)
    response = client.get("/audit/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1" in body and "Not found" in body and "Back to the dashboard" in body
    assert "Using the URLconf" not in body and "audit_log" not in body


def test_a_missing_record_shows_the_apps_own_not_found_page_in_development(
    client, surgeon, settings
):
    settings.DEBUG = True
    client.force_login(surgeon)
    response = client.get("/patients/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Back to the dashboard" in body and "Using the URLconf" not in body


def test_anonymous_users_asking_for_a_refused_page_are_still_sent_to_log_in(client, settings):
    settings.DEBUG = True
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/audit/"


def test_a_form_without_its_csrf_token_gets_a_page_that_says_what_to_do(surgeon):
    client = Client(enforce_csrf_checks=True)
    client.force_login(surgeon)
    response = client.post("/patients/new/", {"mrn": "M-1", "family_name": "Nobody"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "This form could not be accepted" in body
    assert "Nothing was saved" in body


def test_an_unreadable_body_gets_a_page_with_a_reference(surgeon):
    client = Client()
    client.force_login(surgeon)
    response = client.generic(
        "POST",
        "/patients/new/",
        "mrn=M-1&family_name=Caf\xe9".encode("latin-1"),
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400
    assert response["X-Request-ID"] in response.content.decode()


def test_an_unreadable_body_on_an_api_path_gets_json():
    response = Client().generic(
        "POST",
        "/api/v1/evaluate",
        "cea=caf\xe9".encode("latin-1"),
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_an_unreadable_body_on_a_cds_hooks_path_gets_json():
    response = Client().generic(
        "POST",
        "/cds-services/crlm-assessment",
        "hook=caf\xe9".encode("latin-1"),
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
