from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from decision.audit.actions import ACTIONS
from decision.core.forms import bootstrap_classes


class AuditFilterForm(forms.Form):
    """Filters of the audit log. Posted, and kept in the session rather than the URL,
    because a patient's MRN may be among them."""

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label="Anyone",
        to_field_name="username",
    )
    action = forms.ChoiceField(required=False)
    patient = forms.CharField(
        required=False,
        max_length=64,
        label="Patient MRN or id",
        help_text="The MRN as registered, or the patient's id.",
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

    def session_value(self) -> dict[str, str]:
        """The filters in a form that can be kept in the session."""
        data = self.cleaned_data
        return {
            "user": data["user"].username if data["user"] else "",
            "action": data["action"],
            "patient": data["patient"].strip(),
            "date_from": data["date_from"].isoformat() if data["date_from"] else "",
            "date_to": data["date_to"].isoformat() if data["date_to"] else "",
        }
