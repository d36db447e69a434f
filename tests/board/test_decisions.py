"""Board decisions: recorded once, amended by a superseding decision, each audited."""

import re
import threading
import uuid

import pytest
from django.db import IntegrityError, connections, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from decision.audit.models import AuditEvent
from decision.board import services
from decision.board.models import BoardDecision
from decision.core.immutable import ImmutableRecordError
from tests.database import execute_as_in_production
from tests.factories import make_assessment, make_decision, make_meeting, make_patient

pytestmark = pytest.mark.django_db

NAMES = ("Okafor", "Chidi", "H123456")


@pytest.fixture
def assessment(surgeon):
    patient = make_patient(surgeon, mrn=NAMES[2], family_name=NAMES[0], given_name=NAMES[1])
    return make_assessment(patient, surgeon)


def decision_form(client, assessment) -> dict[str, str]:
    """The hidden fields of a freshly opened decision form."""
    body = client.get(f"/board/cases/{assessment.pk}/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', body).group(1)
    amends = re.search(r'name="amends"(?: value="([0-9a-f-]*)")?', body).group(1) or ""
    return {"idempotency_key": key, "amends": amends}


def post_decision(client, assessment, **answers):
    data = {**decision_form(client, assessment), "plan": "", "rationale": "", **answers}
    return client.post(f"/board/cases/{assessment.pk}/", data)


def test_a_board_member_records_agreement_without_a_plan(board_client, board_member, assessment):
    response = post_decision(
        board_client, assessment, outcome="agree", rationale="Liver-only, fit patient"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/board/cases/{assessment.pk}/"
    decision = BoardDecision.objects.get()
    assert (decision.outcome, decision.plan, decision.rationale) == (
        "agree",
        "",
        "Liver-only, fit patient",
    )
    assert decision.recorded_by == board_member
    assert abs((timezone.now() - decision.recorded_at).total_seconds()) < 60
    page = board_client.get(response["Location"]).content.decode()
    assert "The board&#x27;s decision is recorded." in page
    assert "Agree with the recommendation" in page


def test_recording_a_decision_is_an_audit_event_without_names_or_clinical_content(
    board_client, board_member, assessment
):
    post_decision(board_client, assessment, outcome="defer", plan="PET-CT of the chest")
    decision = BoardDecision.objects.get()
    event = AuditEvent.objects.get(action="board.decision_recorded")
    assert (event.actor, event.object_id, event.patient_id) == (
        board_member,
        str(decision.pk),
        assessment.patient_id,
    )
    assert event.payload["content_hash"] == decision.content_hash
    assert not any(name in str(event.payload) for name in NAMES)
    assert "defer" not in str(event.payload) and "PET-CT" not in str(event.payload)


@pytest.mark.parametrize("outcome", ["alternative", "defer"])
def test_a_plan_is_required_unless_the_board_agrees(board_client, assessment, outcome):
    response = post_decision(
        board_client, assessment, outcome=outcome, plan="   ", rationale="Kept"
    )
    assert response.status_code == 200
    assert "Describe the plan" in response.context["form"].errors["plan"][0]
    assert "Kept" in response.content.decode()
    assert BoardDecision.objects.count() == 0


def test_the_service_and_the_database_also_refuse_a_missing_plan(board_member, assessment):
    with pytest.raises(services.BoardConflict, match="Describe the plan"):
        make_decision(assessment, board_member, outcome="alternative", plan="")
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardDecision.objects.create(
            assessment=assessment,
            outcome="alternative",
            plan="",
            idempotency_key=uuid.uuid4(),
            recorded_by=board_member,
            recorded_at=timezone.now(),
        )


def test_the_outcome_must_be_chosen_and_none_is_chosen_in_advance(board_client, assessment):
    body = board_client.get(f"/board/cases/{assessment.pk}/").content.decode()
    outcomes = re.findall(r'<input type="radio"[^>]*name="outcome"[^>]*>', body)
    assert len(outcomes) == 3
    assert not any("checked" in radio for radio in outcomes)
    for label in ("Agree with the recommendation", "Alternative plan", "Defer for work-up"):
        assert label in body
    response = post_decision(board_client, assessment, plan="Something")
    assert "Choose the board" in response.context["form"].errors["outcome"][0]


def test_the_decision_can_name_a_meeting_whose_agenda_holds_the_case(
    board_client, board_member, surgeon, assessment
):
    meeting = make_meeting(board_member)
    other = make_meeting(board_member, title="Other board")
    board_client.post("/board/agenda/add/", {"meeting": meeting.pk, "assessments": [assessment.pk]})
    refused = post_decision(board_client, assessment, outcome="agree", meeting=str(other.pk))
    assert "meeting" in refused.context["form"].errors
    post_decision(board_client, assessment, outcome="agree", meeting=str(meeting.pk))
    assert BoardDecision.objects.get().meeting == meeting


def meeting_choices(client, assessment) -> dict[str, bool]:
    """The "Decided at" answers offered, each with whether it is chosen in advance."""
    body = client.get(f"/board/cases/{assessment.pk}/").content.decode()
    radios = re.findall(r'<input type="radio"[^>]*name="meeting"[^>]*>', body)
    return {re.search(r'value="([^"]*)"', r).group(1): "checked" in r for r in radios}


def put_on_agenda(client, meeting, assessment) -> None:
    from decision.board.models import AgendaItem

    AgendaItem.objects.create(
        meeting=meeting,
        assessment=assessment,
        position=meeting.agenda_items.count() + 1,
        added_by=meeting.created_by,
        added_at=meeting.created_at,
    )


def test_decided_at_is_today_s_meeting_chosen_in_advance(board_client, board_member, assessment):
    today = make_meeting(board_member, title="Today's board")
    put_on_agenda(board_client, today, assessment)
    assert meeting_choices(board_client, assessment) == {str(today.pk): True, "none": False}


def test_decided_at_never_offers_a_meeting_not_yet_held(board_client, board_member, assessment):
    from datetime import timedelta

    from django.utils import timezone

    next_week = make_meeting(board_member, meeting_date=timezone.localdate() + timedelta(7))
    board_client.post(
        "/board/agenda/add/", {"meeting": next_week.pk, "assessments": [assessment.pk]}
    )
    # Not held yet: the question is not asked, and the decision is not stamped with it.
    assert meeting_choices(board_client, assessment) == {}
    post_decision(board_client, assessment, outcome="agree", meeting=str(next_week.pk))
    assert BoardDecision.objects.get().meeting is None
    with pytest.raises(services.BoardConflict, match="not been held"):
        make_decision(
            make_assessment(assessment.patient, assessment.created_by),
            board_member,
            meeting=next_week,
        )


def test_after_an_earlier_meeting_decided_at_must_be_answered(
    board_client, board_member, assessment
):
    from datetime import timedelta

    from django.utils import timezone

    last_week = make_meeting(board_member, meeting_date=timezone.localdate() - timedelta(7))
    put_on_agenda(board_client, last_week, assessment)
    assert meeting_choices(board_client, assessment) == {str(last_week.pk): False, "none": False}
    asked = post_decision(board_client, assessment, outcome="agree")
    assert asked.context["form"].errors["meeting"] == [
        "Say whether the board decided at a meeting, and which."
    ]
    post_decision(board_client, assessment, outcome="agree", meeting="none")
    assert BoardDecision.objects.get().meeting is None


def test_a_double_submission_records_one_decision(board_client, assessment):
    data = {**decision_form(board_client, assessment), "outcome": "agree", "plan": ""}
    first = board_client.post(f"/board/cases/{assessment.pk}/", data)
    second = board_client.post(f"/board/cases/{assessment.pk}/", data)
    assert first.status_code == second.status_code == 302
    assert BoardDecision.objects.count() == 1
    assert AuditEvent.objects.filter(action="board.decision_recorded").count() == 1


def test_a_decision_made_meanwhile_is_not_overwritten_by_a_stale_form(
    board_client, board_member, make_user, assessment
):
    stale = decision_form(board_client, assessment)
    colleague = make_user("chair", groups=("tumor_board",))
    make_decision(assessment, colleague, outcome="defer", plan="MRI liver")

    response = board_client.post(
        f"/board/cases/{assessment.pk}/", {**stale, "outcome": "agree", "plan": ""}
    )
    assert response.status_code == 200
    assert "meanwhile" in response.content.decode()
    assert BoardDecision.objects.count() == 1
    # The form now amends the colleague's decision and keeps the answer given.
    form = response.context["form"]
    assert form["amends"].value() == str(BoardDecision.objects.get().pk)
    assert form["outcome"].value() == "agree"


def test_an_amendment_supersedes_the_latest_decision_with_a_reason(
    board_client, board_member, assessment
):
    first = make_decision(assessment, board_member)
    missing_reason = post_decision(
        board_client, assessment, outcome="alternative", plan="Systemic therapy first"
    )
    assert "Say why" in missing_reason.context["form"].errors["supersede_reason"][0]

    response = post_decision(
        board_client,
        assessment,
        outcome="alternative",
        plan="Systemic therapy first",
        supersede_reason="Lung nodule found on review",
    )
    assert response.status_code == 302
    amendment = BoardDecision.objects.exclude(pk=first.pk).get()
    assert amendment.supersedes == first
    assert amendment.supersede_reason == "Lung nodule found on review"
    assert list(BoardDecision.objects.latest_only()) == [amendment]
    assert AuditEvent.objects.filter(
        action="board.decision_amended", object_id=str(first.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action="board.decision_recorded", object_id=str(amendment.pk)
    ).exists()
    page = board_client.get(f"/board/cases/{assessment.pk}/").content.decode()
    assert "Amended" in page and "Lung nodule found on review" in page


def test_only_the_latest_decision_can_be_amended(board_member, assessment):
    first = make_decision(assessment, board_member)
    make_decision(
        assessment,
        board_member,
        outcome="defer",
        plan="Biopsy",
        supersedes=first,
        supersede_reason="New finding",
    )
    with pytest.raises(services.BoardConflict, match="meanwhile"):
        make_decision(
            assessment,
            board_member,
            outcome="agree",
            supersedes=first,
            supersede_reason="Again",
        )
    with pytest.raises(services.BoardConflict, match="meanwhile"):
        make_decision(assessment, board_member, outcome="agree")
    assert BoardDecision.objects.count() == 2


def test_the_database_keeps_one_chain_of_decisions_per_case(board_member, assessment):
    make_decision(assessment, board_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        second = BoardDecision(
            assessment=assessment,
            outcome="agree",
            idempotency_key=uuid.uuid4(),
            recorded_by=board_member,
            recorded_at=timezone.now(),
        )
        second.save()


def test_a_decision_on_a_corrected_assessment_is_refused_with_a_clear_message(
    board_client, board_member, surgeon, assessment
):
    form = decision_form(board_client, assessment)
    correction = make_assessment(
        assessment.patient, surgeon, supersedes=assessment, supersede_reason="CEA re-measured"
    )
    response = board_client.post(
        f"/board/cases/{assessment.pk}/", {**form, "outcome": "agree", "plan": ""}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "corrected by a newer one" in body
    assert f'href="/board/cases/{correction.pk}/"' in body
    assert BoardDecision.objects.count() == 0
    with pytest.raises(services.BoardConflict, match="corrected"):
        make_decision(assessment, board_member)


def test_the_stored_hash_matches_the_stored_content(board_member, assessment):
    decision = make_decision(assessment, board_member, outcome="defer", plan="MRI")
    reloaded = BoardDecision.objects.get(pk=decision.pk)
    assert len(reloaded.content_hash) == 64
    assert reloaded.compute_content_hash() == reloaded.content_hash


def test_changing_or_deleting_a_decision_is_refused(board_member, assessment):
    decision = make_decision(assessment, board_member)
    decision.outcome = "defer"
    with pytest.raises(ImmutableRecordError):
        decision.save()
    with pytest.raises(ImmutableRecordError):
        decision.delete()
    with pytest.raises(ImmutableRecordError):
        BoardDecision.objects.filter(pk=decision.pk).update(plan="x")
    with pytest.raises(ImmutableRecordError):
        BoardDecision.objects.all().delete()
    assert BoardDecision.objects.get(pk=decision.pk).outcome == "agree"


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE board_boarddecision SET outcome = 'defer', plan = 'x'",
        "DELETE FROM board_boarddecision",
    ],
)
def test_postgresql_refuses_changes_that_bypass_the_application(
    board_member, assessment, statement
):
    decision = make_decision(assessment, board_member)
    with pytest.raises(DatabaseError, match="append-only"):
        execute_as_in_production(statement)
    assert BoardDecision.objects.get(pk=decision.pk).outcome == "agree"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_decisions_leave_one_latest_decision(board_member, make_user, surgeon):
    patient = make_patient(surgeon)
    assessment = make_assessment(patient, surgeon)
    chair = make_user("chair", groups=("tumor_board",))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user) -> None:
        try:
            barrier.wait(timeout=10)
            make_decision(assessment, user, outcome="defer", plan=f"Plan of {user.username}")
            outcomes.append("saved")
        except services.BoardConflict:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(user,)) for user in (board_member, chair)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert BoardDecision.objects.latest_only().filter(assessment=assessment).count() == 1


def test_clinical_records_are_not_in_the_administration_site(client, admin_user):
    # Administrators read decisions through the audited board pages, never the admin.
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    for path in (
        "/admin/board/boarddecision/",
        "/admin/board/meeting/",
        "/admin/clinic/assessment/",
        "/admin/clinic/patient/",
        "/admin/audit/auditevent/",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_to_empty_the_decisions(board_member, surgeon):
    decision = make_decision(make_assessment(make_patient(surgeon), surgeon), board_member)
    with pytest.raises(DatabaseError, match="TRUNCATE on board_boarddecision refused"):
        execute_as_in_production("TRUNCATE board_boarddecision CASCADE")
    assert BoardDecision.objects.get().pk == decision.pk
