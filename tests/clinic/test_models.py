"""Assessments are written once: nothing may change or remove them."""

import pytest
from django.db.utils import DatabaseError

from decision.clinic.models import Assessment, Patient
from decision.core.immutable import ImmutableRecordError
from tests.database import execute_as_in_production
from tests.factories import make_assessment, make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(surgeon):
    return make_assessment(make_patient(surgeon), surgeon)


def test_saving_a_changed_assessment_is_refused(assessment):
    assessment.recommendation_code = "NON_OPERATIVE"
    with pytest.raises(ImmutableRecordError):
        assessment.save()
    assessment.refresh_from_db()
    assert assessment.recommendation_code == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"


def test_deleting_an_assessment_is_refused(assessment):
    with pytest.raises(ImmutableRecordError):
        assessment.delete()
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_bulk_changes_through_the_orm_are_refused(assessment):
    with pytest.raises(ImmutableRecordError):
        Assessment.objects.filter(pk=assessment.pk).update(recommendation_code="X")
    with pytest.raises(ImmutableRecordError):
        Assessment.objects.all().delete()
    with pytest.raises(ImmutableRecordError):
        Assessment.objects.bulk_update([assessment], ["recommendation_code"])
    assert Assessment.objects.get(pk=assessment.pk).recommendation_code != "X"


def test_patients_are_written_once_neither_changed_nor_deleted(assessment):
    patient = assessment.patient
    with pytest.raises(ImmutableRecordError):
        patient.delete()
    patient.family_name = "Changed"
    with pytest.raises(ImmutableRecordError):
        patient.save()
    with pytest.raises(ImmutableRecordError):
        Patient.objects.filter(pk=patient.pk).update(family_name="Changed")
    assert Patient.objects.get(pk=patient.pk).family_name != "Changed"


def test_the_stored_hash_matches_the_stored_content(assessment):
    reloaded = Assessment.objects.get(pk=assessment.pk)
    assert len(reloaded.content_hash) == 64
    assert reloaded.compute_content_hash() == reloaded.content_hash


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE clinic_assessment SET recommendation_code = 'NON_OPERATIVE'",
        "DELETE FROM clinic_assessment",
        "UPDATE clinic_patient SET family_name = 'Changed'",
        "DELETE FROM clinic_patient",
    ],
)
def test_postgresql_refuses_changes_that_bypass_the_application(assessment, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        execute_as_in_production(statement)
    assert Assessment.objects.get(pk=assessment.pk).recommendation_code == (
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    )
    assert Patient.objects.get(pk=assessment.patient_id).family_name != "Changed"


def test_the_stored_result_reads_back_whole_as_written(assessment):
    assert Assessment.objects.get(pk=assessment.pk).result == assessment.result


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("table", ["clinic_patient", "clinic_assessment"])
def test_postgresql_refuses_to_empty_patients_or_assessments(surgeon, table):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    with pytest.raises(DatabaseError, match=f"TRUNCATE on {table} refused"):
        execute_as_in_production(f"TRUNCATE {table} CASCADE")
    assert Assessment.objects.get().pk == assessment.pk
