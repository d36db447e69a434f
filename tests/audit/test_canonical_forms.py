"""Every value that goes into a hash reads back from the database in the form it was
hashed in: the same record verifies on SQLite and on PostgreSQL."""

from __future__ import annotations

import ipaddress
import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision.audit.keys import current_key
from decision.audit.models import AuditEvent
from decision.clinic.models import Assessment, Patient
from decision.core.hashing import canonical_address, canonical_json
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db

# Text a database stores: no NUL (PostgreSQL refuses it) and no lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
NUMBERS = st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False)
JSON = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1)).flatmap(
    lambda naive: st.integers(-14 * 60, 14 * 60).map(
        lambda minutes: naive.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    )
)
ADDRESSES = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(str),
    st.ip_addresses(v=4).map(lambda ip: f"::ffff:{ip}"),
    st.ip_addresses(v=4).map(lambda ip: str(ipaddress.IPv6Address(f"::ffff:{ip}"))),
)
# The examples of one test share its database transaction and its users.
SLOW = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_sequences = itertools.count(1_000_000)


@SLOW
@given(moment=MOMENTS, address=ADDRESSES, payload=st.dictionaries(TEXT, JSON, max_size=5))
def test_an_event_s_link_is_the_same_once_read_back(moment, address, payload):
    key_id, key = current_key()
    event = AuditEvent(
        sequence=next(_sequences),
        occurred_at=moment,
        action="test.event",
        object_id="x",
        client_address=address,
        payload=payload,
        previous_hash="0" * 64,
        key_id=key_id,
    )
    event.hash = event.compute_hash(key)
    event.save()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.compute_hash(key) == event.hash
    assert canonical_address(stored.client_address) == canonical_address(address)


def test_an_ipv4_address_mapped_into_ipv6_has_one_form():
    assert canonical_address("::ffff:127.0.0.1") == "127.0.0.1"
    assert canonical_address("::ffff:7f00:1") == "127.0.0.1"
    assert canonical_address("2001:0db8:0000::0001") == "2001:db8::1"
    assert canonical_address("not an address") is None


def test_whole_numbers_and_moments_have_one_form():
    assert canonical_json({"b": 6.0, "a": [6, 0.1]}) == '{"a":[6,0.1],"b":6}'
    # As PostgreSQL's jsonb gives it back: the number its text names, not the binary float.
    assert canonical_json(2.470186486959567e16) == canonical_json(24701864869595670)
    noon = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert canonical_json(noon) == '"2026-11-28T12:00:00.000000+00:00"'
    assert canonical_json(noon.astimezone(timezone(timedelta(hours=2)))) == canonical_json(noon)


@SLOW
@given(
    family=TEXT.filter(lambda t: 0 < len(t) <= 100),
    given_name=TEXT.filter(lambda t: 0 < len(t) <= 100),
    born=st.dates(min_value=datetime(1900, 1, 1).date()),
    moment=MOMENTS,
)
def test_a_patient_s_content_hash_is_the_same_once_read_back(
    surgeon, family, given_name, born, moment
):
    patient = Patient(
        mrn=f"CANON-{next(_sequences)}",
        family_name=family,
        given_name=given_name,
        date_of_birth=born,
        sex="unknown",
        created_by=surgeon,
        created_at=moment,
    )
    patient.save()
    stored = Patient.objects.get(pk=patient.pk)
    assert stored.compute_content_hash() == patient.content_hash


@SLOW
@given(findings=st.dictionaries(TEXT, JSON, min_size=1, max_size=6), moment=MOMENTS)
def test_an_assessment_s_content_hash_is_the_same_once_read_back(surgeon, findings, moment):
    template = _template(surgeon)
    assessment = Assessment.with_result(
        template.result,
        patient=template.patient,
        encounter_date=template.encounter_date,
        findings=findings,
        idempotency_key=_new_key(),
        created_by=surgeon,
        created_at=moment,
    )
    assessment.save()
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.compute_content_hash() == assessment.content_hash


def _template(surgeon) -> Assessment:
    existing = Assessment.objects.first()
    return existing or make_assessment(make_patient(surgeon), surgeon)


def _new_key():
    import uuid

    return uuid.uuid4()
