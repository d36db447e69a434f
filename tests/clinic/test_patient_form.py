import pytest

from decision.clinic.forms import PatientForm

pytestmark = pytest.mark.django_db

PATIENT = {
    "family_name": "Okafor",
    "given_name": "Chidi",
    "date_of_birth": "1961-07-30",
    "sex": "male",
}


@pytest.mark.parametrize("mrn", ["SYN-1-0000001", "syn-42"])
def test_mrns_reserved_for_synthetic_patients_are_refused(mrn):
    form = PatientForm({**PATIENT, "mrn": mrn})
    assert not form.is_valid()
    assert form.errors["mrn"] == [
        "MRNs starting with SYN- are reserved for synthetic test patients."
    ]


def test_an_mrn_that_merely_contains_syn_is_accepted():
    assert PatientForm({**PATIENT, "mrn": "H-SYN-1"}).is_valid()
