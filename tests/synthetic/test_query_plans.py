"""Every list and filter of the app can use an index on PostgreSQL.

On tables this small a sequential scan is legitimately cheaper, so sequential scans are
switched off for the test's transaction: what is checked is that an index fits the shape
of each query. ``make bench`` records the plans PostgreSQL chooses at 100,000 patients.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import QuerySet

from decision.audit.selectors import audit_events_filtered
from decision.audit.services import atomic_audit_event_record
from decision.board.selectors import board_queue, queue_page_rows
from decision.clinic.models import Assessment, Patient
from decision.clinic.selectors import patient_search
from tests.factories import make_assessment, make_patient

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

AS_OF = date(2026, 6, 1)
_INDEX_USED = re.compile(
    r"(?:Index Scan|Index Only Scan)(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+)"
)


def indexes_used(queryset: QuerySet) -> set[str]:
    return {"".join(names) for names in _INDEX_USED.findall(queryset.explain())}


def _nth(queryset, field: str, n: int):
    return queryset.order_by(field).values_list(field, flat=True)[n]


def _queries(surgeon) -> list[tuple[str, QuerySet, str]]:
    """(what the user does, the query it runs, the index, or part of its name, that must
    serve it)."""
    mrn = _nth(Patient.objects, "mrn", 500)
    prefix = Patient.objects.get(mrn=mrn).family_name[:3].lower()
    day = _nth(Assessment.objects, "encounter_date", 700)
    week = {"encounter_from": day, "encounter_to": day + timedelta(days=6)}
    queue = [
        ("board queue", {}, "queue_order_idx"),
        # A rare code: for a common one, reading the queue in order and skipping the other
        # codes can be as cheap, and PostgreSQL may take either.
        ("queue by recommendation", {"recommendation_code": "PALLIATIVE_PRIMARY_RESECTION"},
         "queue_code_idx"),
        # Three or four values each: the queue's order, filtered as it is read.
        ("queue by risk group", {"risk_group": "undetermined"}, "queue_order_idx"),
        ("queue by intent", {"intent": "workup"}, "queue_order_idx"),
        ("queue by surgeon", {"surgeon_id": surgeon.pk}, "queue_surgeon_idx"),
        ("queue by encounter dates", week, "queue_encounter_idx"),
    ]  # fmt: skip
    # A rare action and a user with few events: for common ones, walking the whole log
    # newest first is the better plan, and PostgreSQL rightly takes it.
    audit = [
        ("audit log by action", {"action": "auth.login"}, "audit_action_idx"),
        ("audit log by user", {"username": "surgeon"}, "actor"),  # either index on actor
        ("audit log by patient", {"patient": mrn}, "audit_patient_idx"),
        ("audit log by dates", {"date_from": day, "date_to": day}, "audit_time_idx"),
    ]
    return [
        ("patient list", patient_search("")[:25], "patient_order_idx"),
        ("search by MRN in any case", patient_search(mrn.lower()), "patient_mrn_unique_any_case"),
        ("search by family name prefix", patient_search(prefix)[:25], "patient_family_prefix_idx"),
        ("search by given name prefix", patient_search(prefix)[:25], "patient_given_prefix_idx"),
        *[
            (label, queue_page_rows(board_queue(**filters)).cases_of(slice(0, 25)), index)
            for label, filters, index in queue
        ],
        *[(label, audit_events_filtered(**filters)[:50], index) for label, filters, index in audit],
    ]


def test_every_list_and_filter_can_use_its_index(surgeon, django_user_model):
    call_command("seed_synthetic", patients=1000, seed=7, as_of=AS_OF, force=True)
    atomic_audit_event_record(action="auth.login", actor=surgeon)
    # A surgeon with a few cases among a thousand of another author's.
    for _ in range(3):
        make_assessment(make_patient(surgeon), surgeon)
    # Other users' events, so that one user's share of the log is estimated as small.
    for number in range(50):
        other = django_user_model.objects.create(username=f"user{number}")
        atomic_audit_event_record(action="auth.logout", actor=other)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")

    unserved = []
    for label, queryset, index in _queries(surgeon):
        used = indexes_used(queryset)
        if not any(index in name for name in used):
            unserved.append(f"{label}: {index} not among {sorted(used)}")

    assert unserved == []
