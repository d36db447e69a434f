from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from decision.audit.actions import ACTIONS
from decision.core.forms import bootstrap_classes


class AuditFilterForm(forms.Form):
    """Filters of the audit log, in the page's URL. A patient is found by id, never by a
    search on MRN or name, so that the log does not tell whether someone is a patient."""

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label="Anyone",
        to_field_name="username",
    )
    action = forms.ChoiceField(required=False)
    patient = forms.UUIDField(
        required=False,
        label="Patient id",
        help_text="The patient's id, as the events show it.",
        error_messages={"invalid": "Enter a patient id, such as 3f2b…-…: not an MRN or a name."},
    )
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *sorted(ACTIONS.items())]
        bootstrap_classes(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned
