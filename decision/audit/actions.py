"""The audit log's action codes and how each reads to a person."""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    "auth.login": "Logged in",
    "auth.logout": "Logged out",
    "auth.login_failed": "Failed login",
    "auth.locked_out": "Login locked out after repeated failures",
    "auth.session_expired": "Session ended by time limit",
    "auth.sessions_ended": (
        "Sessions ended (account deactivated, password changed or two-factor sign-in reset)"
    ),
    "auth.two_factor_enrolled": "Set up two-factor sign-in",
    "auth.two_factor_verified": "Passed the two-factor step of a login",
    "auth.recovery_code_used": "Used a two-factor recovery code",
    "auth.two_factor_failed": "Wrong two-factor code",
    "auth.two_factor_reset": "Reset a user's two-factor sign-in",
    "patient.created": "Registered a patient",
    "patient.viewed": "Opened a patient record",
    "patient.list_viewed": "Listed or searched patients",
    "assessment.created": "Recorded an assessment",
    "assessment.viewed": "Opened an assessment",
    "assessment.superseded": "Assessment superseded by a correction",
    "board.meeting_created": "Created a tumor-board meeting",
    "board.case_added": "Put a case on a meeting agenda",
    "board.case_moved": "Reordered a meeting agenda",
    "board.case_removed": "Took a case off a meeting agenda",
    "board.attendance_recorded": "Recorded meeting attendance",
    "board.decision_recorded": "Recorded a tumor-board decision",
    "board.decision_amended": "Amended a tumor-board decision",
    "board.case_viewed": "Opened a tumor-board case",
    "board.queue_viewed": "Opened the tumor-board queue",
    "board.meeting_viewed": "Opened a tumor-board meeting",
    "board.handout_viewed": "Opened a meeting handout",
    "board.decisions_exported": "Exported tumor-board decisions",
    "board.concordance_viewed": "Opened the concordance report",
    "cds.client_registered": "Registered a CDS Hooks client",
    "cds.client_changed": "Changed a CDS Hooks client",
    "cds.request_refused": "Refused a CDS Hooks call (its token)",
    "cds.card_served": "Gave a record system a CDS Hooks card on a patient",
    "cds.no_card": "Answered a CDS Hooks call without a card",
    "cds.feedback_received": "Received feedback on a CDS Hooks card",
    "audit.log_viewed": "Read the audit log",
    "api.evaluated": "Evaluated findings through the API (nothing stored)",
    "api.token_created": "Created an API token",
    "fhir.exported": "Exported records as FHIR",
    "api.token_revoked": "Revoked an API token",
    "audit.key_rotated": "The audit chain continues under a new key",
}


def action_label(code: str) -> str:
    """The readable text of an action code (the code itself when it is not registered)."""
    return ACTIONS.get(code, code)
