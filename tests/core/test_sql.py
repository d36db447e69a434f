"""Rows read with plain SQL come back exactly as the ORM gives them."""

import uuid

import pytest

from decision.clinic.models import Patient
from decision.core.sql import record_by_pk
from tests.factories import make_patient

pytestmark = pytest.mark.django_db


def test_a_record_read_by_primary_key_equals_the_orm_s(surgeon):
    patient = make_patient(surgeon, mrn="SQL-1")
    read = record_by_pk(Patient, patient.pk)
    expected = Patient.objects.get(pk=patient.pk)
    for field in Patient._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert isinstance(read.pk, uuid.UUID)
    assert read.created_at.tzinfo is not None
    assert read.created_by == surgeon
    # Loaded, not new: saving it would update the row, not insert a copy.
    assert read._state.adding is False


def test_an_unknown_primary_key_raises_does_not_exist():
    with pytest.raises(Patient.DoesNotExist):
        record_by_pk(Patient, uuid.uuid4())
