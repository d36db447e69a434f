"""While the database cannot be reached, pages answer 503 with a page that says nothing
was saved and that sending the form again is safe; the API answers the same in JSON."""

import logging
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLInsertCompiler
from django.test import RequestFactory

from decision.audit.models import AuditEvent
from decision.clinic.models import Assessment
from decision.core.errors import server_error
from tests.conftest import PASSWORD
from tests.factories import EXAMPLE_1_FORM, make_patient

pytestmark = pytest.mark.django_db

PAGE_WORDS = (
    "cannot reach its database",
    "Nothing was saved.",
    "It is safe to send the form again",
    "try again in a minute",
)


@contextmanager
def database_unreachable(error=OperationalError):
    """Every attempt to use the database fails, as when its server is down."""

    def refuse(self, *args, **kwargs):
        raise error("connection to server at 127.0.0.1 failed: Connection refused")

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


@pytest.fixture
def outage_client(client):
    """The client answers as a browser would see it, instead of raising the error."""
    client.raise_request_exception = False
    return client


def assert_outage_page(response) -> str:
    assert response.status_code == 503
    assert 0 < int(response["Retry-After"]) <= 120
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    for words in PAGE_WORDS:
        assert words in body
    assert response["X-Request-ID"] in body
    assert "Traceback" not in body and "Connection refused" not in body
    return body


def outage_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "decision.core.outage"]


def test_a_surgeon_posting_an_assessment_sees_the_outage_page_and_can_send_it_again(
    outage_client, surgeon
):
    patient = make_patient(surgeon)
    outage_client.force_login(surgeon)
    url = f"/patients/{patient.pk}/assessments/new/"
    form = {**EXAMPLE_1_FORM, "idempotency_key": str(uuid.uuid4())}

    with database_unreachable():
        response = outage_client.post(url, form)
    assert_outage_page(response)

    # The database is back: nothing was written, and the same form sent twice saves once.
    assert not Assessment.objects.filter(patient=patient).exists()
    assert not AuditEvent.objects.filter(action="assessment.created").exists()
    first = outage_client.post(url, form)
    second = outage_client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Assessment.objects.filter(patient=patient).count() == 1


def test_a_page_asked_for_while_the_database_is_down_shows_the_outage_page(outage_client, surgeon):
    outage_client.force_login(surgeon)
    with database_unreachable():
        response = outage_client.get("/patients/")
    assert_outage_page(response)
    assert "no-store" in response["Cache-Control"]


def test_an_interface_error_is_an_outage_too(outage_client, surgeon):
    outage_client.force_login(surgeon)
    with database_unreachable(InterfaceError):
        response = outage_client.get("/")
    assert_outage_page(response)


@pytest.mark.parametrize("debug", [True, False], ids=["in_development", "in_production"])
def test_a_login_while_the_database_is_down_shows_the_outage_page(
    outage_client, surgeon, settings, debug
):
    settings.DEBUG = debug
    with database_unreachable():
        response = outage_client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    assert_outage_page(response)
    assert "_auth_user_id" not in outage_client.session


def test_a_save_failing_part_way_shows_the_outage_page_in_development_and_keeps_nothing(
    outage_client, surgeon, settings
):
    settings.DEBUG = True
    patient = make_patient(surgeon)
    outage_client.force_login(surgeon)
    form = {**EXAMPLE_1_FORM, "idempotency_key": str(uuid.uuid4())}

    def refuse(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # The session and the user load; the connection is lost while the assessment is saved.
    with mock.patch.object(SQLInsertCompiler, "execute_sql", refuse):
        response = outage_client.post(f"/patients/{patient.pk}/assessments/new/", form)
    assert_outage_page(response)
    assert not Assessment.objects.filter(patient=patient).exists()
    assert not AuditEvent.objects.filter(action="assessment.created").exists()


def test_the_api_answers_json_with_retry_after(outage_client, surgeon):
    outage_client.force_login(surgeon)
    with database_unreachable():
        response = outage_client.get("/api/v1/patients/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == "service_unavailable"
    assert "Nothing was saved" in body["detail"]
    assert body["retry_after"] == int(response["Retry-After"]) > 0


def test_a_client_preferring_json_gets_json(outage_client):
    with database_unreachable():
        response = outage_client.post(
            "/login/",
            {"username": "surgeon", "password": PASSWORD},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


def test_a_browser_accepting_anything_gets_the_page(outage_client):
    with database_unreachable():
        response = outage_client.post(
            "/login/",
            {"username": "surgeon", "password": PASSWORD},
            HTTP_ACCEPT="text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8",
        )
    assert_outage_page(response)


def test_the_health_check_still_answers_its_own_503(outage_client):
    with database_unreachable():
        response = outage_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


@pytest.mark.parametrize("debug", [True, False], ids=["in_development", "in_production"])
def test_an_outage_is_logged_once_as_a_warning_without_what_was_sent(
    outage_client, surgeon, settings, caplog, debug
):
    settings.DEBUG = debug
    caplog.set_level(logging.DEBUG)
    with database_unreachable():
        outage_client.post("/login/", {"username": "surgeon", "password": PASSWORD})
    (record,) = outage_records(caplog)
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "OperationalError" in message and "POST /login/" in message
    assert record.exc_info is None
    assert not [r for r in caplog.records if r.name == "django.request"]
    assert PASSWORD not in caplog.text


def test_an_outage_while_loading_the_session_is_not_also_logged_as_a_server_error(
    outage_client, surgeon, caplog
):
    patient = make_patient(surgeon)
    outage_client.force_login(surgeon)
    caplog.set_level(logging.DEBUG)
    form = {**EXAMPLE_1_FORM, "idempotency_key": str(uuid.uuid4())}
    with database_unreachable():
        outage_client.post(f"/patients/{patient.pk}/assessments/new/", form)
    (record,) = outage_records(caplog)
    assert record.levelno == logging.WARNING
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert patient.family_name not in caplog.text and form["cea_ng_ml"] not in caplog.text


def test_other_server_errors_keep_the_500_page():
    request = RequestFactory().get("/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response
