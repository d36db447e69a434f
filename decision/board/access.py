"""One helper per object type decides who may see or change it.

Clinical readers (surgeons, tumor-board members, administrators) may read everything
here; everyone else gets a 404. Changes are for tumor-board members and administrators:
a clinical reader without that role gets a 403.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from decision.board import selectors
from decision.board.models import AgendaItem, Guest, Meeting
from decision.clinic import access as clinic_access
from decision.core import roles

# Board pages are for everyone who may read clinical records, and a case is an assessment.
require_board_reader = clinic_access.require_clinical_reader
case_for_user = clinic_access.assessment_for_user


def require_board_member(request: HttpRequest) -> None:
    """Refuse (403) clinical readers who may not act for the board; 404 for the others."""
    require_board_reader(request)
    if not roles.can_record_board_decision(request.user):
        raise PermissionDenied


def meeting_for_user(request: HttpRequest, meeting_id: uuid.UUID) -> Meeting:
    """The meeting, if the user may read clinical records; else 404."""
    require_board_reader(request)
    try:
        return selectors.meeting_get(meeting_id)
    except Meeting.DoesNotExist:
        raise Http404 from None


def agenda_item_for_user(request: HttpRequest, meeting: Meeting, item_id: int) -> AgendaItem:
    """A case on this meeting's agenda, for someone who may change the agenda."""
    require_board_member(request)
    try:
        return selectors.agenda_item_get(meeting, item_id)
    except AgendaItem.DoesNotExist:
        raise Http404 from None


def guest_for_user(request: HttpRequest, meeting: Meeting, guest_id: int) -> Guest:
    """A guest of this meeting, for someone who may record attendance."""
    require_board_member(request)
    try:
        return selectors.guest_get(meeting, guest_id)
    except Guest.DoesNotExist:
        raise Http404 from None
