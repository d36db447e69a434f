from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from decision.clinic.models import Assessment
from decision.core.hashing import canonical_datetime
from decision.core.immutable import HashedRecord, HashedRecordQuerySet


class Outcome(models.TextChoices):
    AGREE = "agree", "Agree with the recommendation"
    ALTERNATIVE = "alternative", "Alternative plan"
    DEFER = "defer", "Defer for work-up"


class Meeting(models.Model):
    """One tumor-board meeting: its agenda of cases and who attended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting_date = models.DateField("date")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="board_meetings_attended"
    )

    class Meta:
        ordering = ["-meeting_date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.meeting_date:%Y-%m-%d} {self.title}"


class AgendaItem(models.Model):
    """A case (one assessment) on a meeting's agenda, at its place in the order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "assessment"], name="agenda_item_case_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}"


class Guest(models.Model):
    """Someone at a meeting without an account here (e.g. a visiting radiologist)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="guests")
    name = models.CharField(max_length=150)
    specialty = models.CharField(max_length=100)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "added_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.specialty})"


class BoardDecisionQuerySet(HashedRecordQuerySet):
    def latest_only(self) -> BoardDecisionQuerySet:
        """Decisions that no amendment supersedes: the ones that count."""
        return self.filter(superseded_by__isnull=True)


class BoardDecision(HashedRecord):
    """The board's decision on one assessment, written once.

    An amendment is a new decision that ``supersedes`` the latest one, with a reason; only
    the latest decision of an assessment counts. ``content_hash`` covers everything stored
    here (see ``hashed_content``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="board_decisions"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="The meeting at which the board decided, if any.",
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    plan = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    supersede_reason = models.TextField("reason for the amendment", blank=True)
    idempotency_key = models.UUIDField(unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = BoardDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=Outcome.AGREE) | ~models.Q(plan=""),
                name="board_decision_plan_unless_agree",
                violation_error_message="Describe the plan unless the board agrees.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(supersedes__isnull=True, supersede_reason="")
                    | (models.Q(supersedes__isnull=False) & ~models.Q(supersede_reason=""))
                ),
                name="board_decision_amendment_has_reason",
            ),
            # With the one-to-one ``supersedes`` this keeps one chain per assessment, so
            # two simultaneous first decisions cannot both count.
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(supersedes__isnull=True),
                name="board_decision_one_first_per_assessment",
            ),
        ]
        indexes = [
            models.Index(fields=["recorded_at"], name="board_decision_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"Board decision {self.id} ({self.outcome})"

    def hashed_content(self) -> dict[str, object]:
        """Everything the content hash covers, as a JSON-shaped mapping."""
        return {
            "id": str(self.id),
            "assessment": str(self.assessment_id),
            "meeting": str(self.meeting_id) if self.meeting_id else None,
            "outcome": self.outcome,
            "plan": self.plan,
            "rationale": self.rationale,
            "supersedes": str(self.supersedes_id) if self.supersedes_id else None,
            "supersede_reason": self.supersede_reason,
            "idempotency_key": str(self.idempotency_key),
            "recorded_by": self.recorded_by_id,
            "recorded_at": canonical_datetime(self.recorded_at),
        }
