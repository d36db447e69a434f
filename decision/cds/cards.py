"""The discovery document and the cards, built from what the web pages show. Pure
functions, no queries. Every clinical word comes from the rules' knowledge, the stored
result or the board's decision, as on the assessment page."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.utils import timezone

from decision import rules
from decision.clinic.presenters import Reevaluation, missing_findings, spoken_list
from decision.rules import knowledge

SERVICE_ID = "crlm-assessment"
APP_NAME = "CRLM decision support"
# The specification: "One-sentence, <140-character summary message".
SUMMARY_LIMIT = 140
_EVIDENCE_NOTE = "EVIDENCE_CURRENCY"
# Characters that Markdown could read as markup (links, images, emphasis, HTML): escaped
# in every text put into a card's detail, so that a board's plan cannot become a link.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")


def discovery_document() -> dict[str, Any]:
    """The services this server offers (``GET /cds-services``)."""
    return {
        "services": [
            {
                "hook": "patient-view",
                "id": SERVICE_ID,
                "title": f"{APP_NAME}: latest assessment and tumor-board decision",
                "description": (
                    "When a patient's record is opened: the latest assessment of colorectal "
                    "cancer liver metastases recorded in this app (Fong clinical risk score, "
                    "the rules' recommendation) and the tumor board's decision on it, with a "
                    "link to the assessment's full basis."
                ),
                "prefetch": {"patient": "Patient/{{context.patientId}}"},
                "usageRequirements": (
                    "The record system is registered here (its issuer and public keys) and "
                    "sends the prefetched Patient with its MRN identifier."
                ),
            }
        ]
    }


def markdown_text(text: str) -> str:
    """``text`` on one line, with Markdown's markup characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _source(ruleset_id: str, ruleset_version: str, about_url: str) -> dict[str, str]:
    return {"label": f"{APP_NAME}, rule set {ruleset_id} {ruleset_version}", "url": about_url}


def _risk_words(risk_group: str) -> str:
    """The risk group's label without the scores it spans, which the summary gives."""
    return knowledge.RISK_GROUP_LABELS.get(risk_group, risk_group).split(" (")[0]


def _decision_date(decision) -> str:
    if decision.meeting:
        return f"{decision.meeting.meeting_date:%Y-%m-%d}"
    return f"{timezone.localdate(decision.recorded_at):%Y-%m-%d}"


def _shortened(text: str) -> str:
    cut = text[: SUMMARY_LIMIT - 2].rsplit(" ", 1)[0]
    return f"{cut.rstrip(',.;:')}…"


def assessment_summary(assessment, decision) -> str:
    """Score (or range) with its risk group, the recommendation's label and the board's
    decision, in one sentence of fewer than 140 characters. When all of it does not fit,
    the decision's date goes first, then the risk group's words (the score remains): the
    detail holds everything."""
    score = f"Fong {assessment.score_text}/5"
    board = f"Board: {decision.get_outcome_display()}" if decision else ""
    risk = _risk_words(assessment.risk_group)
    label = assessment.recommendation_label
    candidates = [
        [f"{score}, {risk}", label, f"{board} ({_decision_date(decision)})" if board else ""],
        [f"{score}, {risk}", label, board],
        [score, label, board],
    ]
    for parts in candidates:
        summary = ". ".join(part for part in parts if part) + "."
        if len(summary) < SUMMARY_LIMIT:
            return summary
    return _shortened(summary)


def _decision_lines(assessment, decision) -> list[str]:
    if decision is None:
        return ["**The tumor board's decision:** No decision recorded yet."]
    recorder = decision.recorded_by.get_full_name() or decision.recorded_by.get_username()
    when = f"recorded {timezone.localdate(decision.recorded_at):%Y-%m-%d} by {recorder}"
    if decision.meeting:
        when = f"meeting of {decision.meeting.meeting_date:%Y-%m-%d}, {when}"
    lines = [
        f"**The tumor board's decision:** {markdown_text(decision.get_outcome_display())} "
        f"({markdown_text(when)})."
    ]
    if decision.outcome == "alternative":
        lines.append("The board chose a plan other than the rules' recommendation.")
    if decision.plan:
        lines.append(f"Plan: {markdown_text(decision.plan)}")
    return lines


def _reevaluation_lines(assessment, reevaluation: Reevaluation) -> list[str]:
    if not reevaluation.differs:
        return []
    differences = "; ".join(reevaluation.differences)
    return [
        f"**Today's rule set ({markdown_text(assessment.ruleset_id)} "
        f"{markdown_text(reevaluation.ruleset_version)}) would conclude differently.** "
        f"This card shows what was computed and stored on "
        f"{timezone.localdate(assessment.created_at):%Y-%m-%d}. "
        f"Differences: {markdown_text(differences)}."
    ]


def assessment_detail(assessment, decision, reevaluation: Reevaluation) -> str:
    """The card's detail (GitHub-flavoured Markdown): what the assessment page leads with,
    its notes, the evidence-currency statement and the rule set with its version."""
    result = assessment.result
    score = f"{assessment.score_text} of 5 · {assessment.risk_group_label}"
    missing = spoken_list(missing_findings(result))
    if missing:
        score += f" · the score is a range: unknown {missing}"
    notes = [note for note in result["notes"] if note["code"] != _EVIDENCE_NOTE]
    evidence = next(
        (note["text"] for note in result["notes"] if note["code"] == _EVIDENCE_NOTE),
        knowledge.NOTE_TEXTS[_EVIDENCE_NOTE].text,
    )
    paragraphs = [
        *_reevaluation_lines(assessment, reevaluation),
        f"**The rules' recommendation:** {markdown_text(assessment.recommendation_label)} "
        f"({markdown_text(assessment.intent_label)}).",
        f"**Fong score:** {markdown_text(score)}.",
        f"**Assessment:** encounter of {assessment.encounter_date:%Y-%m-%d}, recorded "
        f"{timezone.localdate(assessment.created_at):%Y-%m-%d}.",
        *_decision_lines(assessment, decision),
    ]
    if notes:
        paragraphs.append(
            "**Notes:**\n\n" + "\n".join(f"- {markdown_text(note['text'])}" for note in notes)
        )
    paragraphs += [
        f"**Evidence:** {markdown_text(evidence)}",
        f"Rule set {markdown_text(assessment.ruleset_id)} version "
        f"{markdown_text(assessment.ruleset_version)}.",
    ]
    return "\n\n".join(paragraphs)


def assessment_card(
    *,
    card_id: uuid.UUID,
    assessment,
    reevaluation: Reevaluation,
    assessment_url: str,
    about_url: str,
) -> dict[str, Any]:
    """The card of the patient's latest assessment: ``warning`` when today's rule set
    would conclude differently or the board chose another plan, ``info`` otherwise."""
    decision = assessment.latest_board_decision
    differs = reevaluation.differs or (decision is not None and decision.outcome == "alternative")
    return {
        "uuid": str(card_id),
        "summary": assessment_summary(assessment, decision),
        "indicator": "warning" if differs else "info",
        "detail": assessment_detail(assessment, decision, reevaluation),
        "source": _source(assessment.ruleset_id, assessment.ruleset_version, about_url),
        "links": [
            {
                "label": "Open the assessment and its full basis",
                "url": assessment_url,
                "type": "absolute",
            }
        ],
    }


def no_assessment_card(
    *, card_id: uuid.UUID, record_url: str | None, about_url: str
) -> dict[str, Any]:
    """The card of a known patient without an assessment, linking to the form that records
    one when the client's user may record."""
    card = {
        "uuid": str(card_id),
        "summary": f"No assessment has been recorded in {APP_NAME} for this patient yet.",
        "indicator": "info",
        "detail": (
            f"Record one in {APP_NAME} to see the Fong score and the rules' recommendation here."
            if record_url
            else f"A surgeon can record one in {APP_NAME}."
        ),
        "source": _source(rules.RULESET.id, rules.RULESET.version, about_url),
    }
    if record_url:
        card["links"] = [{"label": "Record an assessment", "url": record_url, "type": "absolute"}]
    return card
