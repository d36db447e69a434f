"""Template helpers for forms shown on busy pages (see includes/plain_select.html)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SELECTED = mark_safe(" selected")
_NOT_SELECTED = mark_safe("")


@register.simple_tag
def select_options(field: BoundField) -> SafeString:
    """The ``<option>`` elements of a select field, its current value selected, written
    in one pass (Django renders every option of a widget through a template of its own)."""
    value = field.value()
    selected = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice, _SELECTED if str(choice) == selected else _NOT_SELECTED, label)
            for choice, label in field.field.choices
        ),
    )
