"""Assessments are written once: nothing may change or remove them."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from decision.clinic.models import Assessment
from decision.core.immutable import ImmutableRecordError
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


def test_patients_with_assessments_cannot_be_deleted(assessment):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        assessment.patient.delete()


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
    ],
)
def test_postgresql_refuses_changes_that_bypass_the_application(assessment, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert Assessment.objects.get(pk=assessment.pk).recommendation_code == (
        "RESECT_PRIMARY_AND_LIVER_WITH_HAI"
    )


def test_the_stored_result_reads_back_whole_as_written(assessment):
    assert Assessment.objects.get(pk=assessment.pk).result == assessment.result
