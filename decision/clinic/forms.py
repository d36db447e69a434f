"""Forms validate the shape of what was typed; what is valid clinically is decided by the
rules service (``decision.rules.parse_findings``), so that the web form, the ``evaluate``
command and any later interface share one definition of valid input."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils import timezone

from decision import rules
from decision.clinic.models import SYNTHETIC_MRN_PREFIX, Patient

EARLIEST_DATE = date(1900, 1, 1)
YES_NO = (("yes", "Yes"), ("no", "No"))
YES_NO_UNKNOWN = (*YES_NO, ("unknown", "Unknown"))
UNKNOWN_SUFFIX = "_unknown"
# Marks a finding left out because its answer is incomplete (the field shows an error).
_MISSING: Any = object()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["mrn", "family_name", "given_name", "date_of_birth", "sex"]
        labels = {"mrn": "MRN (medical record number)"}
        help_texts = {"mrn": "As on the hospital record; at most 32 characters."}
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = [("", "Choose…"), *self.fields["sex"].choices[1:]]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_mrn(self) -> str:
        mrn = self.cleaned_data["mrn"].strip()
        if mrn.upper().startswith(SYNTHETIC_MRN_PREFIX):
            raise forms.ValidationError(
                f"MRNs starting with {SYNTHETIC_MRN_PREFIX} are reserved for synthetic test "
                "patients."
            )
        if Patient.objects.filter(mrn__iexact=mrn).exists():
            raise forms.ValidationError(
                "A patient with this MRN is already registered. Search for the MRN to open "
                "their record."
            )
        return mrn

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth cannot be after today.")
        if born < EARLIEST_DATE:
            raise forms.ValidationError("The date of birth cannot be before 1900-01-01.")
        return born


class PatientSearchForm(forms.Form):
    query = forms.CharField(
        label="MRN or name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "MRN, or the start of a name"}),
    )


def _is_answer_choice(spec: rules.FieldSpec) -> bool:
    """Yes/no findings that must be answered (and may be unknown) are radio choices;
    optional yes/no findings that default to no are a single box."""
    return spec.kind == "bool" and (spec.required or spec.nullable)


def _has_unknown_box(spec: rules.FieldSpec) -> bool:
    return spec.nullable and spec.kind in ("int", "number")


def _finding_field(spec: rules.FieldSpec) -> forms.Field:
    """The form field for one finding, following its metadata in the rules service."""
    common = {"label": spec.label, "help_text": spec.help_text}
    if spec.kind == "bool" and spec.nullable:
        return forms.ChoiceField(
            choices=YES_NO_UNKNOWN,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose yes, no or unknown."},
            **common,
        )
    if spec.kind == "bool" and spec.required:
        return forms.ChoiceField(
            choices=YES_NO,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose yes or no."},
            **common,
        )
    if spec.kind == "bool":
        return forms.BooleanField(required=False, **common)
    if spec.kind == "date":
        return forms.DateField(
            required=spec.required,
            widget=DateInput(),
            error_messages={
                "invalid": "Enter a real date.",
                "required": "Enter the date.",
            },
            **common,
        )
    if spec.kind == "choice":
        return forms.ChoiceField(
            choices=spec.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose one."},
            **common,
        )
    # A text box, not the browser's number box: that one silently drops what is not a
    # number, where this reports it.
    whole = spec.kind == "int"
    field_class = forms.IntegerField if whole else forms.FloatField
    return field_class(
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric" if whole else "decimal"}),
        error_messages={
            "invalid": "Enter a whole number, such as 3."
            if whole
            else "Enter a number, such as 4.5."
        },
        **common,
    )


class AssessmentForm(forms.Form):
    """All findings of one encounter, in clinical order, with the encounter date.

    Field names are the findings names of the rules service. Findings that may be unknown
    have an explicit "Unknown" answer: a yes/no/unknown choice, or an "Unknown" box beside
    a number; leaving both empty is an error, so nothing becomes unknown by oversight.
    """

    encounter_date = forms.DateField(
        label="Encounter date",
        widget=DateInput(),
        help_text="The date of this clinic encounter; findings dates cannot be after it.",
        error_messages={
            "required": "Enter the encounter date.",
            "invalid": "Enter a real date.",
        },
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    # Shown only when the patient already has an assessment of the same encounter date.
    confirm_same_encounter = forms.BooleanField(
        required=False, label="Yes, record another assessment of this encounter"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["encounter_date"].widget.attrs["autofocus"] = True
        for spec in rules.FINDINGS_FIELDS:
            self.fields[spec.name] = _finding_field(spec)
            if _has_unknown_box(spec):
                self.fields[spec.name + UNKNOWN_SUFFIX] = forms.BooleanField(
                    label="Unknown", required=False
                )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    def _layout(self) -> Layout:
        sections: dict[str, list[Any]] = {}
        for spec in rules.FINDINGS_FIELDS:
            items = sections.setdefault(spec.section, [])
            if _is_answer_choice(spec) or spec.kind == "choice":
                items.append(InlineRadios(spec.name))
            elif _has_unknown_box(spec):
                items.append(
                    Div(
                        Div(spec.name, css_class="col-sm-8"),
                        Div(spec.name + UNKNOWN_SUFFIX, css_class="col-sm-4 pt-sm-4"),
                        css_class="row",
                    )
                )
            else:
                items.append(spec.name)
        return Layout(
            "idempotency_key",
            Fieldset("Encounter", "encounter_date"),
            *[Fieldset(title, *items) for title, items in sections.items()],
        )

    def clean_encounter_date(self) -> date:
        encounter = self.cleaned_data["encounter_date"]
        if encounter > timezone.localdate():
            raise forms.ValidationError("The encounter date cannot be after today.")
        if encounter < EARLIEST_DATE:
            raise forms.ValidationError("The encounter date cannot be before 1900-01-01.")
        return encounter

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        findings = self._findings_from(cleaned)
        encounter = cleaned.get("encounter_date") or timezone.localdate()
        try:
            rules.parse_findings(findings, as_of=encounter, as_of_name="the encounter date")
        except rules.FindingsInvalid as invalid:
            for name, messages in invalid.errors.items():
                # A field the form already rejected is left with the form's message.
                if name in self.fields and name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        self.findings = findings
        return cleaned

    def _findings_from(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The JSON-shaped findings the rules service reads, from the typed answers.

        Findings whose field failed here are left out (the field shows its own error).
        """
        findings: dict[str, Any] = {}
        for spec in rules.FINDINGS_FIELDS:
            if spec.name in self.errors:
                continue
            value = cleaned.get(spec.name)
            if _is_answer_choice(spec):
                if value:
                    findings[spec.name] = {"yes": True, "no": False, "unknown": None}[value]
            elif spec.kind == "bool":
                findings[spec.name] = bool(value)
            elif spec.kind == "date":
                findings[spec.name] = value.isoformat() if value else None
            elif spec.kind == "choice":
                if value:
                    findings[spec.name] = value
            else:
                findings[spec.name] = self._number_or_unknown(spec, value, cleaned)
        return {name: value for name, value in findings.items() if value is not _MISSING}

    def _number_or_unknown(self, spec: rules.FieldSpec, value: Any, cleaned: dict) -> Any:
        unknown = cleaned.get(spec.name + UNKNOWN_SUFFIX, False)
        if unknown and value is not None:
            self.add_error(spec.name, "Enter a value or tick Unknown, not both.")
            return _MISSING
        if unknown:
            return None
        if value is None:
            self.add_error(spec.name, "Enter a value, or tick Unknown if it is not known.")
            return _MISSING
        return value

    @staticmethod
    def initial_from_findings(findings: dict[str, Any], **initial: Any) -> dict[str, Any]:
        """Form answers that reproduce stored findings (to pre-fill a correction)."""
        answers: dict[str, Any] = dict(initial)
        for spec in rules.FINDINGS_FIELDS:
            value = findings.get(spec.name, spec.default)
            if _is_answer_choice(spec):
                answers[spec.name] = {True: "yes", False: "no", None: "unknown"}[value]
            elif _has_unknown_box(spec) and value is None:
                answers[spec.name + UNKNOWN_SUFFIX] = True
            elif isinstance(value, float) and value.is_integer():
                answers[spec.name] = int(value)  # shown as typed: 250, not 250.0
            elif value is not None:
                answers[spec.name] = value
        return answers


class CorrectionForm(AssessmentForm):
    """The assessment form with the reason for correcting an earlier assessment."""

    supersede_reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept with both assessments, e.g. 'CEA result received' or 'wrong date typed'.",
        error_messages={"required": "Say why the assessment is corrected."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["confirm_same_encounter"]  # a correction is of the same encounter
        del self.fields["encounter_date"].widget.attrs["autofocus"]
        self.fields["supersede_reason"].widget.attrs["autofocus"] = True

    def _layout(self) -> Layout:
        layout = super()._layout()
        layout.fields.insert(1, Fieldset("Correction", "supersede_reason"))
        return layout

    def clean_supersede_reason(self) -> str:
        reason = self.cleaned_data["supersede_reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the assessment is corrected.")
        return reason
