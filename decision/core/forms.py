"""What every filter bar's form shares."""

from __future__ import annotations

from django import forms


def bootstrap_classes(form: forms.BaseForm) -> None:
    """Give the widgets of a form shown field by field (``includes/field.html``) Bootstrap's
    classes, marking those with errors."""
    for name, field in form.fields.items():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        invalid = " is-invalid" if form.is_bound and name in form.errors else ""
        field.widget.attrs["class"] = css + invalid
