"""The queue: each patient's latest assessment awaiting a board decision, oldest first."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from decision.rules import knowledge
from tests.factories import (
    EXAMPLE_1_FINDINGS,
    EXAMPLE_3_FINDINGS,
    make_assessment,
    make_decision,
    make_meeting,
    make_patient,
)

pytestmark = pytest.mark.django_db

NOT_FIT = {**EXAMPLE_1_FINDINGS, "fit_for_surgery": False}


def listed(client, query: str = "") -> list:
    response = client.get(f"/board/{query}")
    assert response.status_code == 200
    return [row.assessment.pk for row in response.context["rows"]]


def pks(assessments) -> list:
    return [assessment.pk for assessment in assessments]


def test_the_queue_lists_each_patient_s_latest_assessment_without_a_decision_oldest_first(
    board_client, surgeon, board_member
):
    waiting_first = make_assessment(make_patient(surgeon, family_name="First"), surgeon)
    corrected_patient = make_patient(surgeon, family_name="Corrected")
    original = make_assessment(corrected_patient, surgeon)
    decided = make_assessment(make_patient(surgeon, family_name="Decided"), surgeon)
    make_decision(decided, board_member)
    revisited = make_patient(surgeon, family_name="Revisited")
    make_assessment(revisited, surgeon, encounter_date=date(2026, 11, 2))
    correction = make_assessment(
        corrected_patient, surgeon, supersedes=original, supersede_reason="CEA re-measured"
    )
    later_encounter = make_assessment(revisited, surgeon, encounter_date=date(2026, 11, 20))

    assert listed(board_client) == pks([waiting_first, correction, later_encounter])


def test_a_decided_case_leaves_the_queue_even_after_an_amendment(
    board_client, surgeon, board_member
):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    first = make_decision(assessment, board_member)
    make_decision(
        assessment,
        board_member,
        outcome="alternative",
        plan="Systemic chemotherapy first",
        supersedes=first,
        supersede_reason="New scan",
    )
    assert listed(board_client) == []


def test_a_deferred_case_stays_in_the_queue_marked_deferred_with_its_reason(
    board_client, surgeon, board_member
):
    waiting = make_assessment(make_patient(surgeon), surgeon)
    deferred = make_assessment(make_patient(surgeon), surgeon)
    make_decision(deferred, board_member, outcome="defer", plan="Repeat MRI of the liver")

    assert listed(board_client) == pks([waiting, deferred])
    body = board_client.get("/board/").content.decode()
    rows = body.split('data-testid="queue-row"')[1:]
    assert 'data-testid="deferred"' not in rows[0]
    assert "Deferred" in rows[1] and "Repeat MRI of the liver" in rows[1]
    assert listed(board_client, "?status=deferred") == pks([deferred])
    assert listed(board_client, "?status=waiting") == pks([waiting])


def test_a_deferred_case_leaves_the_queue_once_the_board_decides_it(
    board_client, surgeon, board_member
):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    deferral = make_decision(assessment, board_member, outcome="defer", plan="PET-CT")
    make_decision(assessment, board_member, supersedes=deferral, supersede_reason="PET-CT clear")
    assert listed(board_client) == []


def test_the_queue_filters_by_recommendation_risk_group_and_intent(board_client, surgeon):
    resect = make_assessment(make_patient(surgeon), surgeon)
    hai = make_assessment(make_patient(surgeon), surgeon, findings=EXAMPLE_3_FINDINGS)
    not_fit = make_assessment(make_patient(surgeon), surgeon, findings=NOT_FIT)

    assert listed(board_client, "?recommendation=HAI_FOR_UNRESECTABLE") == pks([hai])
    # Spec examples 1 and 5 score 5 (high); example 3 scores 0 (low).
    assert listed(board_client, "?risk_group=high") == pks([resect, not_fit])
    assert listed(board_client, "?risk_group=low") == pks([hai])
    assert listed(board_client, "?intent=non_operative") == pks([not_fit])
    assert listed(board_client, "?intent=curative&risk_group=high") == pks([resect])


def test_the_queue_filters_by_encounter_date_range_both_ends_included(board_client, surgeon):
    early = make_assessment(make_patient(surgeon), surgeon, encounter_date=date(2026, 10, 5))
    middle = make_assessment(make_patient(surgeon), surgeon, encounter_date=date(2026, 11, 1))
    late = make_assessment(make_patient(surgeon), surgeon, encounter_date=date(2026, 11, 20))

    assert listed(board_client, "?date_from=2026-11-01") == pks([middle, late])
    assert listed(board_client, "?date_to=2026-11-01") == pks([early, middle])
    assert listed(board_client, "?date_from=2026-10-06&date_to=2026-11-19") == pks([middle])


def recorded_at(moment: datetime):
    """Record what follows at ``moment``, as if the server's clock showed it."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_the_date_filter_lists_a_case_however_long_after_its_encounter_it_was_recorded(
    board_client, surgeon
):
    london = ZoneInfo("Europe/London")
    with recorded_at(datetime(2026, 11, 2, 0, 1, tzinfo=london)):
        first_minute = make_assessment(
            make_patient(surgeon), surgeon, encounter_date=date(2026, 11, 2)
        )
    with recorded_at(datetime(2026, 11, 9, 23, 59, tzinfo=london)):
        a_week_late = make_assessment(
            make_patient(surgeon), surgeon, encounter_date=date(2026, 11, 2)
        )
        day_before = make_assessment(
            make_patient(surgeon), surgeon, encounter_date=date(2026, 11, 1)
        )

    assert listed(board_client, "?date_from=2026-11-02") == pks([first_minute, a_week_late])
    assert listed(board_client, "?date_from=2026-11-02&date_to=2026-11-02") == pks(
        [first_minute, a_week_late]
    )
    assert listed(board_client, "?date_to=2026-11-01") == pks([day_before])


@override_settings(TIME_ZONE="Europe/London")
def test_the_date_filter_still_lists_a_case_after_the_server_s_time_zone_moves_west(
    board_client, surgeon
):
    # Recorded in the first minutes of its encounter day in London, which in Honolulu is
    # still the afternoon of the day before.
    with recorded_at(datetime(2026, 11, 2, 0, 5, tzinfo=ZoneInfo("Europe/London"))):
        case = make_assessment(make_patient(surgeon), surgeon, encounter_date=date(2026, 11, 2))

    with override_settings(TIME_ZONE="Pacific/Honolulu"):
        assert listed(board_client, "?date_from=2026-11-02") == pks([case])
        assert listed(board_client, "?date_from=2026-11-03") == []


def test_the_queue_filters_by_surgeon(board_client, surgeon, make_user):
    colleague = make_user("colleague", groups=("surgeon",), last_name="Colleague")
    mine = make_assessment(make_patient(surgeon), surgeon)
    theirs = make_assessment(make_patient(colleague), colleague)

    assert listed(board_client, f"?surgeon={colleague.pk}") == pks([theirs])
    assert listed(board_client, f"?surgeon={surgeon.pk}") == pks([mine])


def test_the_surgeon_filter_offers_active_surgeons_by_name(board_client, surgeon, make_user):
    make_user("anon", groups=("surgeon",))
    make_user("gone", groups=("surgeon",), first_name="Old", last_name="Hand", is_active=False)
    make_user("chair", groups=("tumor_board",), first_name="Board", last_name="Chair")

    body = board_client.get("/board/").content.decode()
    select = body[
        body.index('name="surgeon"') : body.index("</select>", body.index('name="surgeon"'))
    ]
    assert '<option value="" selected>Any</option>' in select
    assert f'<option value="{surgeon.pk}">Sam Cutter</option>' in select
    assert ">anon</option>" in select  # no name given: the user name
    assert "Old Hand" not in select and "Board Chair" not in select


def test_an_unknown_surgeon_is_named_as_a_bad_filter(board_client, surgeon, make_user):
    chair = make_user("chair", groups=("tumor_board",))
    case = make_assessment(make_patient(surgeon), surgeon)
    for unknown in (chair.pk, "someone"):
        response = board_client.get(f"/board/?surgeon={unknown}")
        assert "Select a valid choice." in response.content.decode()
        assert [row.assessment.pk for row in response.context["rows"]] == [case.pk]


def test_a_bad_filter_is_named_and_the_others_still_apply(board_client, surgeon):
    hai = make_assessment(make_patient(surgeon), surgeon, findings=EXAMPLE_3_FINDINGS)
    make_assessment(make_patient(surgeon), surgeon)
    response = board_client.get("/board/?recommendation=HAI_FOR_UNRESECTABLE&date_from=soon")
    assert "Enter a real date." in response.content.decode()
    assert [row.assessment.pk for row in response.context["rows"]] == [hai.pk]


def test_an_end_date_before_the_start_is_refused(board_client):
    response = board_client.get("/board/?date_from=2026-11-20&date_to=2026-11-01")
    assert "cannot be before its start" in response.content.decode()


def test_the_queue_shows_the_total_and_the_count_per_recommendation(board_client, surgeon):
    for _ in range(3):
        make_assessment(make_patient(surgeon), surgeon)
    for _ in range(2):
        make_assessment(make_patient(surgeon), surgeon, findings=EXAMPLE_3_FINDINGS)

    response = board_client.get("/board/")
    body = response.content.decode()
    assert "<strong>5</strong> cases awaiting a decision" in body
    # Labels, not codes (spec section 9; the first is the spec's own example).
    resect = "Resect the primary and the liver metastases; place an HAI pump"
    hai = knowledge.RECOMMENDATIONS["HAI_FOR_UNRESECTABLE"].label
    assert f'<li class="list-inline-item">{hai}: 2</li>' in body
    assert f'<li class="list-inline-item">{resect}: 3</li>' in body

    filtered = board_client.get("/board/?risk_group=low").content.decode()
    assert "<strong>2</strong> cases awaiting a decision" in filtered
    assert f"{resect}: 3" not in filtered


def test_the_queue_is_paginated_by_25_keeping_the_filters(board_client, surgeon):
    cases = [make_assessment(make_patient(surgeon), surgeon) for _ in range(27)]

    first = board_client.get("/board/?risk_group=high")
    assert [row.assessment.pk for row in first.context["rows"]] == pks(cases[:25])
    assert "?risk_group=high&amp;page=2" in first.content.decode()
    second = board_client.get("/board/?risk_group=high&page=2")
    assert [row.assessment.pk for row in second.context["rows"]] == pks(cases[25:])
    assert "<strong>27</strong> cases" in second.content.decode()


def test_the_queue_says_which_meetings_already_hold_a_case(board_client, surgeon, board_member):
    assessment = make_assessment(make_patient(surgeon), surgeon)
    meeting = make_meeting(board_member, title="Liver board")
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [assessment.pk]})
    body = board_client.get("/board/").content.decode()
    assert f'href="/board/meetings/{meeting.pk}/"' in body


def test_a_surgeon_reads_the_queue_without_the_agenda_controls(client, surgeon):
    make_assessment(make_patient(surgeon, family_name="Okafor"), surgeon)
    client.force_login(surgeon)
    body = client.get("/board/").content.decode()
    assert "OKAFOR" in body
    assert 'name="assessments"' not in body
    assert "Add the ticked cases" not in body


def test_opening_the_queue_is_audited_without_patient_data(board_client, surgeon):
    from decision.audit.models import AuditEvent

    make_assessment(make_patient(surgeon, family_name="Okafor"), surgeon)
    board_client.get("/board/?risk_group=high")
    event = AuditEvent.objects.get(action="board.queue_viewed")
    assert event.payload == {"page": 1, "shown": 1, "total": 1}


def test_the_filters_show_what_was_chosen_and_the_rows_what_a_case_holds(
    board_client, surgeon, make_user
):
    make_user("odd", groups=("surgeon",), first_name="Al <b>", last_name="& Co")
    make_assessment(
        make_patient(surgeon, family_name="Okafor", given_name="Ada"),
        surgeon,
        findings=EXAMPLE_3_FINDINGS,
        encounter_date=date(2026, 11, 3),
    )

    body = board_client.get(f"/board/?risk_group=low&surgeon={surgeon.pk}").content.decode()
    assert '<option value="low" selected>' in body
    assert f'<option value="{surgeon.pk}" selected>Sam Cutter</option>' in body
    assert '<option value="" selected>Any</option>' in body  # the filters left unset
    assert "Al &lt;b&gt; &amp; Co" in body and "Al <b>" not in body
    row = body[body.index('data-testid="queue-row"') :]
    hai = knowledge.RECOMMENDATIONS["HAI_FOR_UNRESECTABLE"].label
    for shown in ("OKAFOR, Ada", "2026-11-03", hai, "Sam Cutter", "—"):
        assert shown in row
