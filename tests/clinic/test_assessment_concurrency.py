"""Simultaneous submissions on PostgreSQL: each saved exactly once, the audit chain intact."""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client

from decision.audit.models import AuditEvent
from decision.clinic.models import Assessment, CurrentAssessment
from tests.factories import EXAMPLE_1_FORM, make_patient

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def at_once(count: int, submit: Callable[[int], Any]) -> list[Any]:
    """Run ``submit(0)`` to ``submit(count - 1)`` in threads released together, each on its
    own database connection; re-raise the first failure in the test's thread."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count
    failures: list[BaseException] = []

    def run(number: int) -> None:
        try:
            start.wait()
            results[number] = submit(number)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results


def verify_audit() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def logged_in_clients(user, count: int) -> list[Client]:
    clients = [Client() for _ in range(count)]
    for client in clients:
        client.force_login(user)
    return clients


def test_twenty_simultaneous_submissions_are_each_saved_once(surgeon):
    patients = [make_patient(surgeon) for _ in range(5)]
    clients = logged_in_clients(surgeon, 20)
    keys = [str(uuid.uuid4()) for _ in clients]

    def submit(number: int):
        patient = patients[number % len(patients)]
        # Several assessments of one encounter, each confirmed as meant.
        form = {**EXAMPLE_1_FORM, "idempotency_key": keys[number], "confirm_same_encounter": "on"}
        return clients[number].post(f"/patients/{patient.pk}/assessments/new/", form)

    responses = at_once(20, submit)

    assert [response.status_code for response in responses] == [302] * 20
    saved = Assessment.objects.all()
    assert sorted(str(key) for key in saved.values_list("idempotency_key", flat=True)) == sorted(
        keys
    )
    assert {response["Location"] for response in responses} == {
        f"/assessments/{assessment.pk}/" for assessment in saved
    }
    assert AuditEvent.objects.filter(action="assessment.created").count() == 20
    # Each patient's case in the board queue is their assessment saved last.
    for patient in patients:
        latest = Assessment.objects.filter(patient=patient).latest("created_at")
        assert CurrentAssessment.objects.get(patient=patient).assessment == latest
    assert verify_audit().startswith(f"OK: {AuditEvent.objects.count()} events, 20 assessments")


def test_one_form_sent_from_several_tabs_at_once_is_saved_once(surgeon):
    patient = make_patient(surgeon)
    clients = logged_in_clients(surgeon, 8)
    form = {**EXAMPLE_1_FORM, "idempotency_key": str(uuid.uuid4())}

    responses = at_once(
        8, lambda number: clients[number].post(f"/patients/{patient.pk}/assessments/new/", form)
    )

    assessment = Assessment.objects.get()
    assert [(r.status_code, r["Location"]) for r in responses] == [
        (302, f"/assessments/{assessment.pk}/")
    ] * 8
    assert AuditEvent.objects.filter(action="assessment.created").count() == 1
    assert verify_audit().startswith(f"OK: {AuditEvent.objects.count()} events, 1 assessments")
