"""Forms for the tumor board: they validate shape; the services decide what is allowed."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from decision.board import selectors
from decision.board.models import BoardDecision, Guest, Meeting, Outcome
from decision.clinic.forms import EARLIEST_DATE, DateInput
from decision.clinic.models import Assessment
from decision.core.forms import bootstrap_classes
from decision.rules import knowledge

ANY = ("", "Any")
PLAN_NEEDED = "Describe the plan (needed unless the board agrees with the recommendation)."
NOT_AT_A_MEETING = "none"


def _person_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _meeting_name(meeting: Meeting) -> str:
    return f"{meeting.meeting_date:%Y-%m-%d} · {meeting.title}"


def _no_form_tag(form: forms.BaseForm) -> None:
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.disable_csrf = True  # the template's form tag carries the token


class DateRangeForm(forms.Form):
    """A range of dates, both ends optional and included."""

    date_from = forms.DateField(
        label="From",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date."},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the range cannot be before its start.")
        for name in ("date_from", "date_to"):
            value = cleaned.get(name)
            if value and value < EARLIEST_DATE:
                self.add_error(name, "Enter a date from 1900-01-01 on.")
        return cleaned

    def date_range(self) -> tuple[date | None, date | None]:
        """The valid ends of the range, once validated (an end with an error is left open)."""
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("date_from"), cleaned.get("date_to")


class QueueFilterForm(DateRangeForm):
    """Filters of the queue, sent in the query string (codes, dates and a user id only)."""

    recommendation = forms.ChoiceField(
        label="Recommendation",
        required=False,
        choices=[ANY, *((code, text.label) for code, text in knowledge.RECOMMENDATIONS.items())],
    )
    risk_group = forms.ChoiceField(
        label="Risk group", required=False, choices=[ANY, *knowledge.RISK_GROUP_LABELS.items()]
    )
    intent = forms.ChoiceField(
        label="Intent", required=False, choices=[ANY, *knowledge.INTENT_LABELS.items()]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ANY,
            ("waiting", "Awaiting a first decision"),
            ("deferred", "Deferred for work-up"),
        ],
    )
    surgeon = forms.ModelChoiceField(
        label="Surgeon", required=False, queryset=selectors.surgeons(), empty_label="Any"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surgeon"].label_from_instance = _person_name
        self.fields["date_from"].label = "Encounter from"
        self.fields["date_to"].label = "Encounter to"
        bootstrap_classes(self)

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.board_queue`` from the valid filters."""
        self.is_valid()
        cleaned = self.cleaned_data
        encounter_from, encounter_to = self.date_range()
        return {
            "recommendation_code": cleaned.get("recommendation", ""),
            "risk_group": cleaned.get("risk_group", ""),
            "intent": cleaned.get("intent", ""),
            "encounter_from": encounter_from,
            "encounter_to": encounter_to,
            "surgeon": cleaned.get("surgeon"),
            "deferred": {"waiting": False, "deferred": True}.get(cleaned.get("status", "")),
        }


class AgendaAddForm(forms.Form):
    """Put the ticked cases of the queue on a meeting's agenda."""

    meeting = forms.ModelChoiceField(
        label="Meeting",
        queryset=Meeting.objects.none(),
        empty_label="Choose a meeting…",
        error_messages={"required": "Choose the meeting to add the cases to."},
    )
    assessments = forms.ModelMultipleChoiceField(
        queryset=Assessment.objects.current(),
        error_messages={"required": "Tick at least one case to add."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        meeting.queryset = selectors.meetings_open_for_cases(today=timezone.localdate())
        meeting.label_from_instance = _meeting_name
        bootstrap_classes(self)

    def clean_assessments(self) -> list[Assessment]:
        # Keep the order in which the cases were listed (oldest first).
        chosen = self.cleaned_data["assessments"]
        return sorted(chosen, key=lambda assessment: (assessment.created_at, str(assessment.pk)))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["meeting_date", "title"]
        labels = {"meeting_date": "Date", "title": "Title"}
        help_texts = {"title": "For example 'Hepatobiliary tumor board'."}
        widgets = {"meeting_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_form_tag(self)

    def clean_meeting_date(self) -> date:
        meeting_date = self.cleaned_data["meeting_date"]
        if meeting_date < EARLIEST_DATE:
            raise forms.ValidationError("Enter a date from 1900-01-01 on.")
        return meeting_date

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the meeting a title.")
        return title


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["members_present"]
        labels = {"members_present": "Tick who attended"}
        widgets = {"members_present": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, clinicians: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members_present"]
        field.queryset = clinicians
        field.help_text = ""
        field.label_from_instance = _person_name
        _no_form_tag(self)


class GuestForm(forms.ModelForm):
    class Meta:
        model = Guest
        fields = ["name", "specialty"]
        labels = {"name": "Guest's name", "specialty": "Specialty"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_form_tag(self)


class DecisionForm(forms.ModelForm):
    """The board's decision on a case, or an amendment of the latest decision.

    ``amends`` carries the decision the user saw as the latest, so that a decision recorded
    by someone else meanwhile is noticed instead of being overwritten.
    """

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    amends = forms.UUIDField(widget=forms.HiddenInput, required=False)
    meeting = forms.ChoiceField(
        label="Decided at",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the board decided at a meeting, and which."},
    )

    class Meta:
        model = BoardDecision
        fields = ["outcome", "plan", "rationale", "supersede_reason"]
        labels = {
            "outcome": "The board's decision",
            "plan": "Plan",
            "rationale": "Rationale",
            "supersede_reason": "Reason for the amendment",
        }
        help_texts = {
            "plan": "Needed unless the board agrees with the recommendation.",
            "rationale": "Why the board decided so (optional).",
        }
        widgets = {
            "outcome": forms.RadioSelect,
            "plan": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "supersede_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        meetings: list[Meeting],
        latest: BoardDecision | None,
        **kwargs: Any,
    ) -> None:
        """``meetings`` are those whose agenda holds the case. Only those already held can
        be where the board decided: today's is chosen in advance, an earlier one must be
        chosen, and without any the question is not asked."""
        super().__init__(*args, **kwargs)
        # No answer is chosen in advance: the board's decision must be a deliberate choice.
        self.fields["outcome"].choices = Outcome.choices
        self.fields["outcome"].error_messages["required"] = "Choose the board's decision."
        today = timezone.localdate()
        self.held = {str(m.pk): m for m in meetings if m.meeting_date <= today}
        if self.held:
            choices = [(pk, _meeting_name(meeting)) for pk, meeting in self.held.items()]
            self.fields["meeting"].choices = [*choices, (NOT_AT_A_MEETING, "Not at a meeting")]
            todays = [pk for pk, meeting in self.held.items() if meeting.meeting_date == today]
            if len(todays) == 1:
                self.initial.setdefault("meeting", todays[0])
        else:
            del self.fields["meeting"]
        if latest is None:
            del self.fields["supersede_reason"]
        else:
            # Required when the form amends a decision (see ``clean``): a form opened
            # before anyone decided is refused by the service instead, as decided meanwhile.
            reason = self.fields["supersede_reason"]
            reason.required = False
            reason.help_text = "Kept with both decisions, e.g. 'pathology result received'."
        _no_form_tag(self)

    def clean_meeting(self) -> Meeting | None:
        return self.held.get(self.cleaned_data["meeting"])

    def clean_plan(self) -> str:
        return self.cleaned_data["plan"].strip()

    def clean_rationale(self) -> str:
        return self.cleaned_data["rationale"].strip()

    def clean_supersede_reason(self) -> str:
        return self.cleaned_data["supersede_reason"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and outcome != Outcome.AGREE and not cleaned.get("plan"):
            self.add_error("plan", PLAN_NEEDED)
        amending = cleaned.get("amends") and "supersede_reason" in self.fields
        if amending and not cleaned.get("supersede_reason"):
            self.add_error("supersede_reason", "Say why the decision is amended.")
        return cleaned
