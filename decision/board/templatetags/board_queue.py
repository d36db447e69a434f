"""The rows of the board queue, written out in one pass.

A queue page shows 25 cases on every visit. Through the template engine, their rows cost
more than everything else on the page together (about 12 million instructions of the
page's 48 million); written here with ``format_html``, which escapes every value as the
template would, they cost a small fraction of that.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from decision.board.presenters import QueueRow

register = template.Library()

_CHECKBOX = (
    '<td><input class="form-check-input" type="checkbox" name="assessments" value="{}" '
    'form="agenda-add" id="add-{}" aria-label="Add {} to the agenda"></td>'
)
_ROW = (
    '<tr data-testid="queue-row">{}'
    '<td class="text-nowrap">{}</td>'
    '<td><a href="{}">{}</a><div class="small text-body-secondary">MRN {}</div></td>'
    '<td class="text-nowrap">{}</td>'
    "<td>{}</td>"
    "<td>{}</td>"
    "<td><code>{}</code></td>"
    "<td>{}</td>"
    "<td>{}</td>"
    '<td class="small">{}</td>'
    "</tr>"
)
_MEETING = '<a href="{}">{}</a>'
_NO_MEETING = mark_safe("—")
_NO_CHECKBOX = mark_safe("")


def _row(row: QueueRow, *, selectable: bool) -> SafeString:
    checkbox = (
        format_html(_CHECKBOX, row.assessment_id, row.assessment_id, row.patient_name)
        if selectable
        else _NO_CHECKBOX
    )
    meetings = (
        format_html_join(", ", _MEETING, ((each.url, each.date_text) for each in row.meetings))
        if row.meetings
        else _NO_MEETING
    )
    return format_html(
        _ROW,
        checkbox,
        row.recorded_text,
        row.case_url,
        row.patient_name,
        row.mrn,
        row.encounter_text,
        row.score_text,
        row.risk_group_label,
        row.recommendation_code,
        row.intent_label,
        row.surgeon_name,
        meetings,
    )


@register.simple_tag
def queue_rows(rows: list[QueueRow], selectable: bool) -> SafeString:
    """The ``<tr>`` of each case; ``selectable`` adds the box that puts it on an agenda."""
    return mark_safe("".join(_row(row, selectable=bool(selectable)) for row in rows))  # noqa: S308
