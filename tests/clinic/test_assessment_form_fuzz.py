"""Generated form posts: never a server error, never an invalid assessment saved."""

import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from decision import rules
from decision.clinic.models import Assessment
from tests.factories import EXAMPLE_1_FORM, make_patient

pytestmark = pytest.mark.django_db

garbage = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["\x00", "", " ", "yes", "no", "unknown", "on", "true", "NaN", "1e999", "-0", "0x10"]
    ),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates(date(1850, 1, 1), date(2100, 12, 31)).map(date.isoformat),
)
field_names = [*EXAMPLE_1_FORM, "liver_tumor_count_unknown", "cea_ng_ml_unknown"]
field_names += ["largest_liver_tumor_cm_unknown", "portal_lymph_nodes", "lung_metastases"]

# A valid form with a few answers changed or removed (None removes the answer) ...
mutated = st.dictionaries(st.sampled_from(field_names), st.one_of(st.none(), garbage), max_size=3)
nearly_valid = mutated.map(
    lambda changes: {
        name: value for name, value in {**EXAMPLE_1_FORM, **changes}.items() if value is not None
    }
)
# ... and posts made of anything at all.
anything = st.dictionaries(st.sampled_from(field_names), garbage)
posts = st.one_of(nearly_valid, nearly_valid, anything)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(post=posts)
def test_generated_posts_never_fail_and_never_store_invalid_findings(surgeon_client, surgeon, post):
    patient = make_patient(surgeon)
    data = {**post, "idempotency_key": str(uuid.uuid4())}
    response = surgeon_client.post(f"/patients/{patient.pk}/assessments/new/", data)
    assert response.status_code in (200, 302)
    saved = list(Assessment.objects.filter(patient=patient))
    event("saved" if saved else "refused")
    if response.status_code == 200:
        assert saved == []
        return
    (assessment,) = saved
    findings = rules.parse_findings(assessment.findings, as_of=assessment.encounter_date)
    recomputed = rules.evaluate(findings, as_of=assessment.encounter_date).to_dict()
    assert assessment.result == recomputed
    assert assessment.compute_content_hash() == assessment.content_hash
