"""One stored assessment as FHIR R4 resources, as JSON-ready dicts (docs/api.md).

Everything comes from what was stored: the findings and the result as computed then, and
the clinical words of the rules' knowledge that the web pages show. Nothing is recomputed.
The builders make no queries of their own when the caller has loaded the relations they
read (``bundle`` says which).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from decision.board.models import BoardDecision, Outcome
from decision.clinic import presenters
from decision.clinic.models import Assessment, Patient
from decision.core.hashing import canonical_datetime
from decision.fhir import codes
from decision.rules import knowledge

Resource = dict[str, Any]

# Entry addresses are UUIDs derived from the records' ids, so that the same records always
# give the same Bundle.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, codes.FHIR_BASE)

# The contained Parameters resource that holds the GuidanceResponse's output.
OUTPUT_ID = "output"


def entry_url(*names: object) -> str:
    """The fullUrl (``urn:uuid:...``) of the resource that ``names`` identify."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join(str(name) for name in names))}"


@dataclass(frozen=True)
class AssessmentUrls:
    """The fullUrls of one assessment's resources and of its patient."""

    patient: str
    criteria: tuple[str, ...]
    score: str
    risk_assessment: str
    guidance_response: str
    provenance: str

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentUrls:
        criteria = assessment.result["fong_crs"]["criteria"]
        return cls(
            patient=patient_url(assessment.patient_id),
            criteria=tuple(
                entry_url("assessment", assessment.pk, "criterion", criterion["id"])
                for criterion in criteria
            ),
            score=entry_url("assessment", assessment.pk, "score"),
            risk_assessment=entry_url("assessment", assessment.pk, "risk-assessment"),
            guidance_response=entry_url("assessment", assessment.pk, "guidance-response"),
            provenance=entry_url("assessment", assessment.pk, "provenance"),
        )

    @property
    def observations(self) -> list[str]:
        return [*self.criteria, self.score]


def patient_url(patient_id: uuid.UUID) -> str:
    return entry_url("patient", patient_id)


# --- Small shared pieces ---------------------------------------------------------------


def reference(url: str) -> dict[str, str]:
    return {"reference": url}


def instant(moment: datetime) -> str:
    """An aware datetime as a FHIR ``instant``, in UTC."""
    return canonical_datetime(moment).replace("+00:00", "Z")


def coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], "text": display}


def record_identifier(base_url: str, kind: str, record_id: object) -> dict[str, str]:
    """The app's own id of a record: ``{base_url}/{kind}`` is the system, the id the value
    (so that system, id and a slash are the record's page)."""
    return {"system": f"{base_url}/{kind}", "value": str(record_id)}


def synthetic_meta(synthetic: bool) -> dict[str, Any]:
    """``meta`` labelling an invented (synthetic) record as test data, so that no record
    system can take it for a real patient's; nothing for a real record."""
    if not synthetic:
        return {}
    label = coding(codes.ACT_REASON_SYSTEM, "HTEST", "test health data")
    return {"meta": {"security": [label]}}


def person_name(user: Any) -> str:
    """A user as the pages name them."""
    return user.get_full_name() or user.get_username()


def _date(day: date) -> str:
    return day.isoformat()


def _sources_sentence(sources: list[str]) -> str:
    return f"Sources: {', '.join(sources)}." if sources else ""


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


# --- Patient ---------------------------------------------------------------------------


def patient_resource(patient: Patient, *, base_url: str) -> Resource:
    mrn = {
        "use": "usual",
        "type": {
            "coding": [coding(codes.IDENTIFIER_TYPE_SYSTEM, "MR", "Medical record number")],
            "text": "MRN",
        },
        "system": settings.FHIR_MRN_SYSTEM,
        "value": patient.mrn,
    }
    return {
        "resourceType": "Patient",
        **synthetic_meta(patient.is_synthetic),
        "identifier": [mrn, record_identifier(base_url, "patients", patient.pk)],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        # The app's sexes are FHIR's administrative genders, code for code.
        "gender": patient.sex,
        "birthDate": _date(patient.date_of_birth),
    }


# --- Observations: the Fong criteria and the score --------------------------------------


def _observation(assessment: Assessment, urls: AssessmentUrls, code: dict[str, Any]) -> Resource:
    survey = coding(codes.OBSERVATION_CATEGORY_SYSTEM, "survey", "Survey")
    return {
        "resourceType": "Observation",
        **synthetic_meta(assessment.is_synthetic),
        "status": "final",
        "category": [{"coding": [survey]}],
        "code": code,
        "subject": reference(urls.patient),
        "effectiveDateTime": _date(assessment.encounter_date),
        "issued": instant(assessment.created_at),
    }


def criterion_value(status: str) -> dict[str, Any]:
    """A criterion's status as an Observation value: met or not met as a boolean; an
    unknown criterion has no value, and says why."""
    if status in ("met", "not_met"):
        return {"valueBoolean": status == "met"}
    absent = coding(codes.DATA_ABSENT_REASON_SYSTEM, "unknown", "Unknown")
    return {"dataAbsentReason": {"coding": [absent], "text": "Unknown"}}


def criterion_observation(
    assessment: Assessment, row: presenters.CriterionRow, urls: AssessmentUrls
) -> Resource:
    basis = _joined(
        f"Patient: {row.value}.",
        f"Scores when: {row.threshold}.",
        f"Status: {row.status_label}.",
        f"Points: {row.points}.",
        _sources_sentence(row.sources),
    )
    notes = [{"text": basis}] + ([{"text": row.explanation}] if row.explanation else [])
    return {
        **_observation(assessment, urls, concept(codes.CRITERION_SYSTEM, row.id, row.label)),
        **criterion_value(row.status),
        "note": notes,
    }


def score_value(crs: dict[str, Any]) -> dict[str, Any]:
    """The score when every criterion is known, else the range it lies in."""
    if crs["score"] is not None:
        return {"valueInteger": crs["score"]}
    return {"valueRange": {"low": {"value": crs["score_min"]}, "high": {"value": crs["score_max"]}}}


def score_observation(assessment: Assessment, urls: AssessmentUrls) -> Resource:
    result = assessment.result
    code = concept(codes.SCORE_SYSTEM, codes.FONG_CRS_CODE, knowledge.CRS_LABEL)
    incomplete = [note for note in result["notes"] if note["code"] == "CRS_INCOMPLETE"]
    return {
        **_observation(assessment, urls, code),
        **score_value(result["fong_crs"]),
        **({"note": [{"text": note["text"]} for note in incomplete]} if incomplete else {}),
        "derivedFrom": [reference(url) for url in urls.criteria],
    }


def observations(assessment: Assessment, urls: AssessmentUrls) -> list[tuple[str, Resource]]:
    """The criteria, in the contract's order, then the score; each with its fullUrl."""
    criteria = [
        (url, criterion_observation(assessment, row, urls))
        for url, row in zip(
            urls.criteria, presenters.criterion_rows(assessment.result), strict=True
        )
    ]
    return [*criteria, (urls.score, score_observation(assessment, urls))]


# --- RiskAssessment --------------------------------------------------------------------


def fong_method(result: dict[str, Any]) -> dict[str, Any]:
    """The Fong clinical risk score, with its citation as the rules stored it."""
    citations = [result["sources"][source]["citation"] for source in knowledge.CRS_SOURCES]
    method = concept(codes.SCORE_SYSTEM, codes.FONG_CRS_CODE, knowledge.CRS_LABEL)
    method["text"] = f"{knowledge.CRS_LABEL}. {' '.join(citations)}"
    return method


def survival_rationale(result: dict[str, Any]) -> str:
    """The published survival rows for the score, each with its source, framed as the
    pages frame them. Text only: these describe resected series, not this patient."""
    crs = result["fong_crs"]
    lines = []
    if result["recommendation"]["intent"] != "curative":
        lines.append(knowledge.SURVIVAL_EVIDENCE_NOT_RESECTION)
    if crs["score_min"] != crs["score_max"]:
        score_range = f"{crs['score_min']}–{crs['score_max']}"
        lines.append(knowledge.SURVIVAL_EVIDENCE_RANGE.format(score_range=score_range))
    rows = crs["survival_evidence"]
    for row in rows:
        figure = f"{row['group']}: {row['five_year_survival_percent']}% ({row['source']})."
        lines.append(_joined(figure, row["remark"] or ""))
    cited = dict.fromkeys(row["source"] for row in rows)
    if cited:
        lines.append("Sources:")
        lines.extend(f"{source}: {result['sources'][source]['citation']}" for source in cited)
    return "\n".join(lines)


def prediction(assessment: Assessment) -> dict[str, Any]:
    result = assessment.result
    risk_group = concept(
        codes.RISK_GROUP_SYSTEM, assessment.risk_group, assessment.risk_group_label
    )
    return {
        "outcome": {"text": knowledge.SURVIVAL_EVIDENCE_HEADING},
        "qualitativeRisk": risk_group,
        "rationale": survival_rationale(result),
    }


def recommendation_words(assessment: Assessment) -> str:
    """The recommendation in words: its label, its intent, then its text."""
    text = assessment.result["recommendation"]["text"]
    return "\n".join([assessment.recommendation_label, assessment.intent_label, text])


def board_decision_note(decision: BoardDecision) -> dict[str, str]:
    """The board's decision, labelled as the board's and kept apart from the rules' own
    recommendation (spec section 9)."""
    lines = [f"Tumor board decision: {decision.get_outcome_display()}."]
    if decision.outcome == Outcome.ALTERNATIVE:
        lines.append("The board chose a plan other than the rules' recommendation.")
    if decision.plan:
        lines.append(f"Plan: {decision.plan}")
    if decision.rationale:
        lines.append(f"Rationale: {decision.rationale}")
    if decision.supersedes_id:
        lines.append(
            f"Amends an earlier decision of the board. Reason: {decision.supersede_reason}"
        )
    recorder = person_name(decision.recorded_by)
    recorded_on = timezone.localtime(decision.recorded_at).date()
    meeting = f"Meeting of {_date(decision.meeting.meeting_date)}. " if decision.meeting else ""
    lines.append(f"{meeting}Recorded {_date(recorded_on)} by {recorder}.")
    return {
        "authorString": recorder,
        "time": instant(decision.recorded_at),
        "text": "\n".join(lines),
    }


def correction_notes(assessment: Assessment) -> list[dict[str, str]]:
    """What this assessment corrects, and what corrected it."""
    notes = []
    if assessment.supersedes_id:
        notes.append(
            {
                "text": f"This assessment corrects the assessment {assessment.supersedes_id}. "
                f"Reason: {assessment.supersede_reason}"
            }
        )
    # A reverse one-to-one raises a subclass of AttributeError when nothing corrects it.
    correction = getattr(assessment, "superseded_by", None)
    if correction is not None:
        notes.append(
            {
                "text": f"This assessment was corrected by the assessment {correction.pk}. "
                f"Reason: {correction.supersede_reason}"
            }
        )
    return notes


def risk_assessment_notes(
    assessment: Assessment, board_decision: BoardDecision | None
) -> list[dict[str, str]]:
    notes = [
        {"text": _joined(note["text"], _sources_sentence(note["sources"]))}
        for note in assessment.result["notes"]
    ]
    notes.extend(correction_notes(assessment))
    if board_decision is not None:
        notes.append(board_decision_note(board_decision))
    return notes


def risk_assessment(
    assessment: Assessment,
    urls: AssessmentUrls,
    *,
    board_decision: BoardDecision | None,
    base_url: str,
) -> Resource:
    return {
        "resourceType": "RiskAssessment",
        **synthetic_meta(assessment.is_synthetic),
        "identifier": [record_identifier(base_url, "assessments", assessment.pk)],
        # A correction amends the assessment it supersedes.
        "status": "amended" if assessment.supersedes_id else "final",
        "method": fong_method(assessment.result),
        "subject": reference(urls.patient),
        "occurrenceDateTime": _date(assessment.encounter_date),
        "basis": [reference(url) for url in urls.observations],
        "prediction": [prediction(assessment)],
        "mitigation": recommendation_words(assessment),
        "note": risk_assessment_notes(assessment, board_decision),
    }


# --- GuidanceResponse and its output ---------------------------------------------------


def typed_value(value: Any) -> dict[str, Any]:
    """A finding as a Parameters value of the matching FHIR type; a missing one carries
    the data-absent-reason extension instead of a value."""
    if value is None:
        absent = {"url": codes.DATA_ABSENT_REASON_EXTENSION, "valueCode": "unknown"}
        return {"_valueString": {"extension": [absent]}}
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int | float):
        # PostgreSQL gives back a stored 6.0 as 6: a whole number is written as one on
        # every database, so that the export does not depend on where it was stored.
        return {"valueDecimal": int(value) if value == int(value) else value}
    return {"valueString": str(value)}


def _sources_parts(sources: list[str]) -> list[dict[str, str]]:
    return [{"name": "source", "valueString": source} for source in sources]


def recommendation_parameter(assessment: Assessment) -> dict[str, Any]:
    recommendation = assessment.result["recommendation"]
    code = coding(
        codes.RECOMMENDATION_SYSTEM, recommendation["code"], assessment.recommendation_label
    )
    intent = coding(codes.INTENT_SYSTEM, recommendation["intent"], assessment.intent_label)
    return {
        "name": "recommendation",
        "part": [
            {"name": "code", "valueCoding": code},
            {"name": "intent", "valueCoding": intent},
            {"name": "text", "valueString": recommendation["text"]},
            *_sources_parts(recommendation["sources"]),
        ],
    }


def trace_parameter(entry: dict[str, Any]) -> dict[str, Any]:
    """One rule of the trace: the rule, what it concluded, the findings it read, why."""
    # By name: PostgreSQL keeps a JSON object's keys in an order of its own.
    inputs = [
        {"name": name, **typed_value(value)} for name, value in sorted(entry["inputs"].items())
    ]
    return {
        "name": "trace",
        "part": [
            {"name": "rule", "valueString": entry["rule"]},
            {"name": "outcome", "valueCode": entry["outcome"]},
            *([{"name": "inputs", "part": inputs}] if inputs else []),
            {"name": "explanation", "valueString": entry["explanation"]},
            *_sources_parts(entry["sources"]),
        ],
    }


def output_parameters(assessment: Assessment) -> Resource:
    """The rule set, the recommendation and the trace, as the module's output."""
    ruleset = {
        "name": "ruleset",
        "part": [
            {"name": "id", "valueString": assessment.ruleset_id},
            {"name": "version", "valueString": assessment.ruleset_version},
        ],
    }
    return {
        "resourceType": "Parameters",
        "id": OUTPUT_ID,
        "parameter": [
            ruleset,
            recommendation_parameter(assessment),
            *(trace_parameter(entry) for entry in assessment.result["trace"]),
        ],
    }


def guidance_response(assessment: Assessment, urls: AssessmentUrls, *, base_url: str) -> Resource:
    return {
        "resourceType": "GuidanceResponse",
        **synthetic_meta(assessment.is_synthetic),
        "contained": [output_parameters(assessment)],
        "identifier": [record_identifier(base_url, "assessments", assessment.pk)],
        "moduleUri": codes.ruleset_uri(assessment.ruleset_id, assessment.ruleset_version),
        "status": "success",
        "subject": reference(urls.patient),
        "occurrenceDateTime": _date(assessment.encounter_date),
        "note": [{"text": recommendation_words(assessment)}, {"text": knowledge.INTENDED_USE}],
        "outputParameters": {"reference": f"#{OUTPUT_ID}"},
    }


# --- Provenance ------------------------------------------------------------------------


def provenance_entities(assessment: Assessment, *, base_url: str) -> list[dict[str, Any]]:
    """The stored record the resources render, named by its content hash; and for a
    correction, the assessment it revises."""
    stored = {
        "role": "source",
        "what": {
            "identifier": {"system": codes.CONTENT_HASH_SYSTEM, "value": assessment.content_hash},
            "display": f"The stored record of assessment {assessment.pk} (SHA-256)",
        },
    }
    if not assessment.supersedes_id:
        return [stored]
    revised = {
        "role": "revision",
        "what": {
            "identifier": record_identifier(base_url, "assessments", assessment.supersedes_id),
            "display": f"The assessment this one corrects: {assessment.supersedes_id}",
        },
    }
    return [stored, revised]


def provenance(assessment: Assessment, urls: AssessmentUrls, *, base_url: str) -> Resource:
    author = assessment.created_by
    participant = coding(codes.PARTICIPANT_TYPE_SYSTEM, "author", "Author")
    return {
        "resourceType": "Provenance",
        **synthetic_meta(assessment.is_synthetic),
        "target": [
            reference(url)
            for url in (*urls.observations, urls.risk_assessment, urls.guidance_response)
        ],
        "recorded": instant(assessment.created_at),
        "agent": [
            {
                "type": {"coding": [participant]},
                "who": {
                    "identifier": record_identifier(base_url, "users", author.get_username()),
                    "display": person_name(author),
                },
            }
        ],
        "entity": provenance_entities(assessment, base_url=base_url),
    }
