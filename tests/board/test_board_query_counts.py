"""Query counts are part of behaviour: the queue, a meeting and its handout use a fixed
number of queries whatever the number of cases."""

import pytest

from decision.board import services
from tests.factories import make_assessment, make_decision, make_meeting, make_patient

pytestmark = pytest.mark.django_db

# As measured on PostgreSQL, the same for 5 and 50 cases: three queries for the session,
# the user and their roles, the page's own reads, and the audit event of the view (a
# savepoint, the audit chain's lock, the chain's last event, the insert and the release;
# SQLite does without the lock: one query fewer there).
QUEUE_QUERIES = 14
MEETING_QUERIES = 15
HANDOUT_QUERIES = 11
# The case view also reads the board's decisions on the assessment, with who recorded them
# and at which meeting, for its summary.
CASE_QUERIES = 18


def board_with_cases(count: int, surgeon, board_member):
    """``count`` cases in the queue, and a meeting with all of them, half decided."""
    cases = [make_assessment(make_patient(surgeon), surgeon) for _ in range(count)]
    meeting = make_meeting(board_member)
    services.agenda_cases_add(organiser=board_member, meeting=meeting, assessments=cases)
    services.attendance_record(
        organiser=board_member, meeting=meeting, members_present=[surgeon, board_member]
    )
    services.guest_add(organiser=board_member, meeting=meeting, name="Dr A", specialty="Oncology")
    return meeting, cases


@pytest.mark.parametrize("count", [5, 50])
def test_the_queue_uses_a_fixed_number_of_queries(
    board_client, surgeon, board_member, count, django_assert_max_num_queries
):
    board_with_cases(count, surgeon, board_member)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = board_client.get("/board/?risk_group=high")
    assert len(response.context["rows"]) == min(count, 25)


@pytest.mark.parametrize("count", [5, 50])
def test_a_meeting_page_uses_a_fixed_number_of_queries(
    board_client, surgeon, board_member, count, django_assert_max_num_queries
):
    meeting, cases = board_with_cases(count, surgeon, board_member)
    for case in cases[::2]:
        make_decision(case, board_member, meeting=meeting)
    with django_assert_max_num_queries(MEETING_QUERIES):
        response = board_client.get(f"/board/meetings/{meeting.pk}/")
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [5, 50])
def test_the_handout_uses_a_fixed_number_of_queries(
    board_client, surgeon, board_member, count, django_assert_max_num_queries
):
    meeting, cases = board_with_cases(count, surgeon, board_member)
    for case in cases[::2]:
        make_decision(case, board_member, outcome="defer", plan="MRI", meeting=meeting)
    with django_assert_max_num_queries(HANDOUT_QUERIES):
        response = board_client.get(f"/board/meetings/{meeting.pk}/handout/")
    assert response.content.decode().count('data-testid="handout-case"') == count


@pytest.mark.parametrize("encounters", [1, 6])
def test_the_case_view_uses_a_fixed_number_of_queries_whatever_the_history(
    board_client, surgeon, board_member, encounters, django_assert_max_num_queries
):
    patient = make_patient(surgeon)
    for _ in range(encounters):
        assessment = make_assessment(patient, surgeon)
        first = make_decision(assessment, board_member)
        make_decision(
            assessment,
            board_member,
            outcome="defer",
            plan="MRI",
            supersedes=first,
            supersede_reason="New scan",
        )
    with django_assert_max_num_queries(CASE_QUERIES):
        response = board_client.get(f"/board/cases/{assessment.pk}/")
    assert len(response.context["decisions"]) == 2 * encounters
