"""Whatever JSON a record system sends, the request is either understood or refused with a
reason: never an unexpected error (which would be a 500)."""

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from decision.cds import payloads
from tests.cds.conftest import hook_request

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = ["hook", "hookInstance", "context", "prefetch", "fhirServer", "fhirAuthorization"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values))
def test_any_patient_view_request_is_understood_or_refused_with_a_reason(changes):
    with contextlib.suppress(payloads.RequestInvalid, payloads.PrefetchMissing):
        payloads.patient_view(hook_request(**changes))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["feedback", "x"]), json_values))
def test_any_feedback_is_understood_or_refused_with_a_reason(document):
    with contextlib.suppress(payloads.RequestInvalid):
        payloads.feedback_list(document)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                ["card", "outcome", "acceptedSuggestions", "overrideReason", "outcomeTimestamp"]
            ),
            json_values,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_any_feedback_item_is_understood_or_refused_with_a_reason(items):
    with contextlib.suppress(payloads.RequestInvalid):
        payloads.feedback_list({"feedback": items})
