import datetime as dt

from django import forms

from .models import RAG, Action, Evidence, Status
from .text import plain_text
from .uploads import validate_evidence_file


class TextField(forms.CharField):
    """Text typed or pasted by a person: control characters are removed before checks."""

    def to_python(self, value):
        value = super().to_python(value)
        return plain_text(value) if value else value


EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def plausible_date(value: dt.date | None) -> None:
    """Dates far outside the plan's life are typing slips, and break date arithmetic."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError("Enter a date between 1 January 2000 and 31 December 2100")


class DateInput(forms.DateInput):
    """A browser date picker; it needs ISO dates whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProgressForm(forms.Form):
    """Record progress on an action: new status, a note, maybe a new due date and evidence."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status", choices=Status.choices, widget=forms.RadioSelect)
    note = TextField(
        label="What has happened since the last update?",
        help_text="Say what was done, what it changed for children, and what comes next.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter a note about the progress made"},
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        validators=[plausible_date],
        widget=DateInput,
        help_text="Change this only if the due date has moved. The original date is kept.",
        error_messages={"invalid": "Enter the due date as a real date"},
    )
    due_date_reason = TextField(
        label="Why has the due date moved?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence_title = TextField(label="Evidence title", required=False, max_length=200)
    evidence_kind = forms.ChoiceField(
        label="Kind of evidence",
        required=False,
        choices=[("", "Choose a kind")] + list(Evidence.Kind.choices),
    )
    evidence_file = forms.FileField(
        label="Upload a file",
        required=False,
        validators=[validate_evidence_file],
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or an image.",
    )
    evidence_url = forms.URLField(
        label="Or give a link", required=False, assume_scheme="https", max_length=500
    )

    def __init__(self, *args, action: Action, **kwargs):
        self.action = action
        kwargs.setdefault(
            "initial",
            {"version": action.version, "status": action.status, "due_date": action.due_date},
        )
        super().__init__(*args, **kwargs)

    @classmethod
    def after_conflict(cls, data, *, action: Action) -> "ProgressForm":
        """The form again against the action as it is now, keeping everything typed.

        Bound and checked, so the person sees it as they left it, and can save it
        again against the new version once they have read what changed.
        """
        post = data.copy()
        post["version"] = action.version
        form = cls(post, action=action)
        form.is_valid()
        return form

    def clean(self):
        super().clean()
        data = self.cleaned_data
        moved = "due_date" in data and data["due_date"] != self.action.due_date
        if moved and not data.get("due_date_reason", "").strip():
            self.add_error("due_date_reason", "Enter why the due date has moved")
        has_evidence = any(
            data.get(k) for k in ("evidence_title", "evidence_file", "evidence_url")
        ) or self.errors.get("evidence_file")
        if has_evidence:
            if not data.get("evidence_title"):
                self.add_error("evidence_title", "Enter a title for the evidence")
            if not data.get("evidence_kind"):
                self.add_error("evidence_kind", "Choose what kind of evidence this is")
            given = data.get("evidence_file") or data.get("evidence_url")
            refused = "evidence_file" in self.errors or "evidence_url" in self.errors
            if not given and not refused:
                self.add_error("evidence_file", "Upload a file or give a link")
            if data.get("evidence_file") and data.get("evidence_url"):
                self.add_error("evidence_url", "Give a file or a link, not both")
        return data


class RagOverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "Use the computed rating")] + list(RAG.choices),
        widget=forms.RadioSelect,
    )
    reason = TextField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("rag") and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why you are overriding the RAG rating")
        return data

    @classmethod
    def for_action(cls, action: Action, data=None) -> "RagOverrideForm":
        """The form for an action, bound to `data` (kept as typed, at the action's version)."""
        if data is None:
            initial = {
                "version": action.version,
                "rag": action.rag_override,
                "reason": action.rag_override_reason,
            }
            return cls(initial=initial)
        post = data.copy()
        post["version"] = action.version
        return cls(post)


class ReportPeriodForm(forms.Form):
    """Which authority and period a board report covers."""

    authority: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Local authority",
        queryset=None,
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": "Choose a local authority you work for"},
    )
    start = forms.DateField(
        label="From",
        validators=[plausible_date],
        widget=DateInput,
        error_messages={
            "required": "Enter the first day of the period",
            "invalid": "Enter the first day as a real date",
        },
    )
    end = forms.DateField(
        label="To",
        validators=[plausible_date],
        widget=DateInput,
        error_messages={
            "required": "Enter the last day of the period",
            "invalid": "Enter the last day as a real date",
        },
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = authorities

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The last day must be on or after the first day")
        return data


class SaveReportForm(ReportPeriodForm):
    title = TextField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the board report"},
    )
