"""What the API returns. Input is validated elsewhere: findings by the rules package and
patients by the web's own form, so that every door checks the same way."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from decision.api import schemas
from decision.clinic.models import Assessment, Patient


class PatientSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    assessments_url = serializers.SerializerMethodField()
    fhir_url = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = [
            "id",
            "url",
            "mrn",
            "family_name",
            "given_name",
            "date_of_birth",
            "sex",
            "created_at",
            "content_hash",
            "assessments_url",
            "fhir_url",
        ]

    def _reverse(self, name: str, obj: Patient) -> str:
        return reverse(name, args=[obj.pk], request=self.context["request"])

    def get_url(self, obj: Patient) -> str:
        return self._reverse("api_patient_detail", obj)

    def get_assessments_url(self, obj: Patient) -> str:
        return self._reverse("api_patient_assessments", obj)

    def get_fhir_url(self, obj: Patient) -> str:
        return self._reverse("api_patient_fhir", obj)


class PatientCreateSerializer(serializers.Serializer):
    """The fields of a new patient (documentation: the web's patient form validates them)."""

    mrn = serializers.CharField(max_length=32)
    family_name = serializers.CharField(max_length=100)
    given_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Patient._meta.get_field("sex").choices)


class BoardDecisionSerializer(serializers.Serializer):
    """The board's decision that counts on an assessment, labelled as the board's."""

    id = serializers.UUIDField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField(source="get_outcome_display")
    plan = serializers.CharField()
    rationale = serializers.CharField()
    meeting_date = serializers.DateField(source="meeting.meeting_date", allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.get_username")
    recorded_at = serializers.DateTimeField()
    amends = serializers.UUIDField(source="supersedes_id", allow_null=True)


class LinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()


class AssessmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    patient = serializers.UUIDField(source="patient_id")
    recorded_by = serializers.CharField(source="created_by.get_username")
    recorded_at = serializers.DateTimeField(source="created_at")
    findings = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    supersedes = serializers.SerializerMethodField()
    supersede_reason = serializers.CharField()
    superseded_by = serializers.SerializerMethodField()
    board_decision = serializers.SerializerMethodField()
    fhir_url = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "url",
            "patient",
            "encounter_date",
            "recorded_by",
            "recorded_at",
            "ruleset_id",
            "ruleset_version",
            "findings",
            "result",
            "content_hash",
            "supersedes",
            "supersede_reason",
            "superseded_by",
            "board_decision",
            "fhir_url",
        ]

    def _link(self, assessment: Assessment | None) -> dict | None:
        if assessment is None:
            return None
        url = reverse(
            "api_assessment_detail", args=[assessment.pk], request=self.context["request"]
        )
        return {"id": assessment.pk, "url": url}

    def get_url(self, obj: Assessment) -> str:
        return self._link(obj)["url"]

    @extend_schema_field(schemas.FINDINGS)
    def get_findings(self, obj: Assessment) -> dict:
        return obj.findings

    @extend_schema_field(schemas.RESULT)
    def get_result(self, obj: Assessment) -> dict:
        return obj.result

    @extend_schema_field(LinkSerializer(allow_null=True))
    def get_supersedes(self, obj: Assessment) -> dict | None:
        return self._link(obj.supersedes)

    @extend_schema_field(LinkSerializer(allow_null=True))
    def get_superseded_by(self, obj: Assessment) -> dict | None:
        return self._link(getattr(obj, "superseded_by", None))

    @extend_schema_field(BoardDecisionSerializer(allow_null=True))
    def get_board_decision(self, obj: Assessment) -> dict | None:
        decision = obj.latest_board_decision
        return None if decision is None else BoardDecisionSerializer(decision).data

    def get_fhir_url(self, obj: Assessment) -> str:
        return reverse("api_assessment_fhir", args=[obj.pk], request=self.context["request"])
