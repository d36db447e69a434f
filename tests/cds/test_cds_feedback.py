"""Feedback on cards: each item an audit event tied to the card and its patient."""

import pytest

from decision.audit.models import AuditEvent
from tests.cds.conftest import FEEDBACK_PATH, call, fixture, hook_request, sign
from tests.factories import make_assessment

pytestmark = pytest.mark.django_db
FEEDBACK_AUD = f"http://testserver{FEEDBACK_PATH}"


@pytest.fixture
def card_id(client, board_ehr, patient, surgeon, ec_key) -> str:
    make_assessment(patient, surgeon)
    return call(client, sign(ec_key), hook_request()).json()["cards"][0]["uuid"]


def overridden(card_id: str) -> dict:
    feedback = fixture("feedback-overridden.json")
    feedback["feedback"][0]["card"] = card_id
    return feedback


def test_overridden_feedback_is_recorded_against_the_card_and_its_patient(
    client, card_id, patient, board_member, ec_key
):
    token = sign(ec_key, aud=FEEDBACK_AUD)
    response = call(client, token, overridden(card_id), path=FEEDBACK_PATH)
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="cds.feedback_received")
    assert event.object_id == card_id
    assert event.patient_id == patient.pk
    assert event.actor == board_member
    assert event.payload["card_outcome"] == "overridden"
    assert event.payload["override_reason"] == {
        "system": "https://example.com/cds-hooks/override-reason-system",
        "code": "d7ecf885",
    }
    assert event.payload["outcome_timestamp"] == "2020-12-11T00:00:00+00:00"
    # The clinician's free text is not kept in the audit log; only that there was some.
    assert event.payload["comment_given"] is True
    assert "A comment entered by the clinician." not in str(event.payload)


def test_the_service_url_is_accepted_as_the_audience_of_feedback(client, card_id, ec_key):
    response = call(client, sign(ec_key), overridden(card_id), path=FEEDBACK_PATH)
    assert response.status_code == 200


def test_feedback_on_a_card_never_given_to_the_client_is_refused(client, card_id, ec_key):
    body = overridden("4e0a3a1e-3283-4575-ab82-028d55fe2719")
    response = call(client, sign(ec_key, aud=FEEDBACK_AUD), body, path=FEEDBACK_PATH)
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="cds.feedback_received").exists()


@pytest.mark.parametrize(
    "item",
    [
        {"outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00Z"},
        {"card": "{card}", "outcome": "ignored", "outcomeTimestamp": "2020-12-11T00:00:00Z"},
        {"card": "{card}", "outcome": "accepted", "outcomeTimestamp": "2020-12-11T00:00:00Z"},
        {"card": "{card}", "outcome": "overridden"},
        {"card": "{card}", "outcome": "overridden", "outcomeTimestamp": "yesterday"},
        {"card": "{card}", "outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00"},
        {
            "card": "{card}",
            "outcome": "overridden",
            "outcomeTimestamp": "2020-12-11T00:00:00Z",
            "overrideReason": {"reason": {"code": "x"}},
        },
    ],
)
def test_feedback_that_breaks_the_specification_is_400_and_nothing_is_recorded(
    client, card_id, ec_key, item
):
    item = {key: card_id if value == "{card}" else value for key, value in item.items()}
    good = {"card": card_id, "outcome": "overridden", "outcomeTimestamp": "2020-12-11T00:00:00Z"}
    body = {"feedback": [good, item]}
    response = call(client, sign(ec_key, aud=FEEDBACK_AUD), body, path=FEEDBACK_PATH)
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="cds.feedback_received").exists()


def test_accepted_feedback_names_its_suggestions(client, card_id, ec_key):
    body = {
        "feedback": [
            {
                "card": card_id,
                "outcome": "accepted",
                "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
                "outcomeTimestamp": "2021-12-11T10:05:31Z",
            }
        ]
    }
    response = call(client, sign(ec_key, aud=FEEDBACK_AUD), body, path=FEEDBACK_PATH)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="cds.feedback_received")
    assert event.payload["accepted_suggestions"] == 1


def test_feedback_needs_a_token_like_any_call(client, card_id):
    response = call(client, None, overridden(card_id), path=FEEDBACK_PATH)
    assert response.status_code == 401
