from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from decision.core.hashing import canonical_datetime
from decision.core.immutable import HashedRecord, HashedRecordQuerySet
from decision.rules import knowledge


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


# MRNs starting with this are reserved for synthetic patients (``seed_synthetic``): the
# patient form refuses them, so that invented records can never be taken for real ones.
SYNTHETIC_MRN_PREFIX = "SYN-"


class Patient(HashedRecord):
    """A patient as registered, written once. ``content_hash`` covers the demographics
    (see ``hashed_content``); the ``patient.created`` audit event holds it too."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mrn = models.CharField("MRN", max_length=32, unique=True)
    family_name = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=8, choices=Sex.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["family_name", "given_name", "mrn"]
        constraints = [
            models.UniqueConstraint(Upper("mrn"), name="patient_mrn_unique_any_case"),
        ]
        indexes = [
            models.Index(fields=["family_name", "given_name", "mrn"], name="patient_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name} ({self.mrn})"

    def hashed_content(self) -> dict[str, object]:
        """Everything the content hash covers, as a JSON-shaped mapping."""
        return {
            "id": str(self.id),
            "mrn": self.mrn,
            "family_name": self.family_name,
            "given_name": self.given_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
            "created_by": self.created_by_id,
            "created_at": canonical_datetime(self.created_at),
            "is_synthetic": self.is_synthetic,
        }


class AssessmentQuerySet(HashedRecordQuerySet):
    def current(self) -> AssessmentQuerySet:
        """Assessments that no later assessment supersedes."""
        return self.filter(superseded_by__isnull=True)


class Assessment(HashedRecord):
    """One encounter's findings and the result computed from them, written once.

    A correction is a new assessment that ``supersedes`` this one, with a reason.
    ``content_hash`` covers everything stored here (see ``hashed_content``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Both foreign keys are indexed by the indexes in Meta, which lead with them.
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    encounter_date = models.DateField()
    findings = models.JSONField()
    result = models.JSONField()
    ruleset_id = models.CharField(max_length=32)
    ruleset_version = models.CharField(max_length=32)
    # Copied from ``result`` (and checked against it by verify_audit) so that lists can be
    # filtered and sorted by them in the database.
    recommendation_code = models.CharField(max_length=48)
    intent = models.CharField(max_length=16)
    risk_group = models.CharField(max_length=16)
    score_min = models.PositiveSmallIntegerField()
    score_max = models.PositiveSmallIntegerField()
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    supersede_reason = models.TextField(blank=True)
    idempotency_key = models.UUIDField(unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField()
    is_synthetic = models.BooleanField(default=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(supersedes__isnull=True, supersede_reason="")
                    | (models.Q(supersedes__isnull=False) & ~models.Q(supersede_reason=""))
                ),
                name="assessment_correction_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="assessment_patient_idx"),
            # A surgeon's recent assessments (the dashboard).
            models.Index(fields=["created_by", "created_at", "id"], name="assessment_author_idx"),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.id} ({self.recommendation_code})"

    @classmethod
    def with_result(cls, result: dict[str, Any], **fields: Any) -> Assessment:
        """A new assessment holding ``result``, with the columns copied from it."""
        crs = result["fong_crs"]
        return cls(
            result=result,
            ruleset_id=result["ruleset"]["id"],
            ruleset_version=result["ruleset"]["version"],
            recommendation_code=result["recommendation"]["code"],
            intent=result["recommendation"]["intent"],
            risk_group=crs["risk_group"],
            score_min=crs["score_min"],
            score_max=crs["score_max"],
            **fields,
        )

    def hashed_content(self) -> dict[str, object]:
        """Everything the content hash covers, as a JSON-shaped mapping."""
        return {
            "id": str(self.id),
            "patient": str(self.patient_id),
            "encounter_date": self.encounter_date.isoformat(),
            "findings": self.findings,
            "result": self.result,
            "ruleset": {"id": self.ruleset_id, "version": self.ruleset_version},
            "supersedes": str(self.supersedes_id) if self.supersedes_id else None,
            "supersede_reason": self.supersede_reason,
            "idempotency_key": str(self.idempotency_key),
            "created_by": self.created_by_id,
            "created_at": canonical_datetime(self.created_at),
            "is_synthetic": self.is_synthetic,
        }

    def consistency_problem(self) -> str | None:
        """Why the columns copied from ``result`` disagree with it, if they do."""
        crs = self.result["fong_crs"]
        copied = {
            "recommendation_code": self.result["recommendation"]["code"],
            "intent": self.result["recommendation"]["intent"],
            "risk_group": crs["risk_group"],
            "score_min": crs["score_min"],
            "score_max": crs["score_max"],
            "ruleset_id": self.result["ruleset"]["id"],
            "ruleset_version": self.result["ruleset"]["version"],
        }
        for field, value in copied.items():
            if getattr(self, field) != value:
                return f"{field} does not match the stored result"
        return None

    @property
    def recommendation_label(self) -> str:
        """The recommendation in a few words, as people read it (never the code)."""
        return knowledge.recommendation_label(self.recommendation_code)

    @property
    def intent_label(self) -> str:
        known = knowledge.RECOMMENDATIONS.get(self.recommendation_code)
        return known.intent_label if known else knowledge.INTENT_LABELS.get(self.intent, "")

    @property
    def risk_group_label(self) -> str:
        return knowledge.RISK_GROUP_LABELS.get(self.risk_group, self.risk_group)

    @property
    def latest_board_decision(self):
        """The board's decision that counts, or None before the board has decided: the
        latest recorded, since an amendment is recorded after what it amends. Read from
        the ``board_decisions`` of the tumor-board app, which pages that list assessments
        prefetch."""
        return max(self.board_decisions.all(), key=lambda d: d.recorded_at, default=None)

    @property
    def score_text(self) -> str:
        """The score, or its range with an en dash when findings are unknown."""
        if self.score_min == self.score_max:
            return str(self.score_min)
        return f"{self.score_min}–{self.score_max}"


_AWAITING = models.Q(awaiting_board_decision=True)


class CurrentAssessment(models.Model):
    """Each patient's latest assessment, and whether it still awaits a board decision.

    Derived from the assessments and board decisions (``verify_audit`` rebuilds it from
    them and compares), and written in the same transaction as they are, so that the
    tumor-board queue reads one row per patient instead of working out, on every page,
    which of all assessments is each patient's latest and undecided. The copied columns
    never change for a given assessment.
    """

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, primary_key=True, related_name="current_assessment"
    )
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="current_for"
    )
    # In the board's queue: no decision yet, or the latest one defers it for work-up.
    awaiting_board_decision = models.BooleanField(default=True)
    deferred = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    encounter_date = models.DateField()
    recommendation_code = models.CharField(max_length=48)
    risk_group = models.CharField(max_length=16)
    intent = models.CharField(max_length=16)
    # Indexed by queue_surgeon_idx for the cases that await a decision.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            # The queue, oldest first, and its selective filters in that order.
            models.Index(
                fields=["created_at", "patient"], condition=_AWAITING, name="queue_order_idx"
            ),
            models.Index(
                fields=["recommendation_code", "created_at"],
                condition=_AWAITING,
                name="queue_code_idx",
            ),
            models.Index(
                fields=["created_by", "created_at"], condition=_AWAITING, name="queue_surgeon_idx"
            ),
            models.Index(
                fields=["encounter_date"], condition=_AWAITING, name="queue_encounter_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Current assessment of {self.patient_id}"

    @classmethod
    def fields_for(cls, assessment: Assessment) -> dict[str, object]:
        """The row's values once ``assessment`` is its patient's latest, awaiting the board."""
        return {
            "assessment": assessment,
            "awaiting_board_decision": True,
            "deferred": False,
            "created_at": assessment.created_at,
            "encounter_date": assessment.encounter_date,
            "recommendation_code": assessment.recommendation_code,
            "risk_group": assessment.risk_group,
            "intent": assessment.intent,
            "created_by_id": assessment.created_by_id,
        }
