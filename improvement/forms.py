import datetime as dt

from django import forms
from django.utils import timezone

from inspections.models import Finding

from . import rules
from .access import assignable_owners
from .choices import OWNER_STATUSES, FindingState
from .models import RAG, Action, Evidence, Status, Team
from .people import display_name
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
    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in OWNER_STATUSES],
        widget=forms.RadioSelect,
        help_text="When the work is done, choose “Ready for sign-off”: a leader signs it off.",
    )
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
    no_evidence_reason = TextField(
        label="If there is no evidence, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to ask for sign-off without evidence.",
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
        if "due_date" in data and data.get("status"):
            problems = rules.due_date_errors(
                status=data["status"],
                start_date=self.action.start_date,
                due_before=self.action.due_date,
                due_after=data["due_date"],
                today=timezone.localdate(),
            )
            for name, message in problems.items():
                self.add_error(name, message)
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
        if data.get("status") == Status.READY and not has_evidence:
            problems = rules.ready_errors(
                has_evidence=self.action.evidence.filter(returned_at__isnull=True).exists(),
                no_evidence_reason=data.get("no_evidence_reason", ""),
            )
            for name, message in problems.items():
                self.add_error(name, message)
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


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class FindingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return finding_label(obj)


class FindingsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return finding_label(obj)


class ActionForm(forms.Form):
    """What an action is, who owns it and when it is due: a leader's form."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = TextField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the action"},
    )
    description = TextField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = PersonChoiceField(
        label="Owner",
        queryset=None,
        required=False,
        empty_label="No one yet",
        help_text="A manager or leader of the authority.",
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.all(), required=False, empty_label="No team"
    )
    partner_agency = TextField(label="Partner agency", required=False, max_length=100)
    priority = forms.ChoiceField(
        label="Priority",
        required=False,
        choices=[("", "Not set")] + list(Action.Priority.choices),
    )
    start_date = forms.DateField(
        label="Start date",
        required=False,
        widget=DateInput,
        validators=[plausible_date],
        error_messages={"invalid": "Enter the start date as a real date"},
    )
    due_date = forms.DateField(
        label="Due date",
        widget=DateInput,
        validators=[plausible_date],
        error_messages={
            "required": "Enter the date the action is due",
            "invalid": "Enter the due date as a real date",
        },
    )
    success_measure = TextField(
        label="How will we know it worked?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, authority, action: Action | None = None, **kwargs):
        if action is not None:
            initial = {name: getattr(action, name) for name in self.base_fields}
            initial["version"] = action.version
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.action = action
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = assignable_owners(authority)
        if action is not None:
            # The due date moves through a progress update, with a reason, and is kept.
            del self.fields["due_date"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        due = data.get("due_date") if self.action is None else self.action.due_date
        if data.get("start_date") and due and data["start_date"] > due:
            self.add_error("start_date", "The start date must be on or before the due date")
        if self.action is None and data.get("due_date"):
            problems = rules.due_date_errors(
                status=Status.NOT_STARTED,
                start_date=data.get("start_date"),
                due_before=None,
                due_after=data["due_date"],
                today=timezone.localdate(),
            )
            for name, message in problems.items():
                self.add_error(name, message)
        return data


class FindingsForm(forms.Form):
    """The findings an action addresses: at least one, all of its authority."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    findings = FindingsChoiceField(
        label="Findings this action addresses",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one finding this action addresses"},
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault(
            "initial", {"version": action.version, "findings": list(action.findings.all())}
        )
        super().__init__(*args, **kwargs)
        field = self.fields["findings"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            Finding.objects.filter(inspection__authority=action.authority)
            .select_related("inspection")
            .order_by("-inspection__start_date", "inspection_id", "order")
        )


def finding_label(finding: Finding) -> str:
    inspection = finding.inspection
    when = f"{inspection.start_date:%B %Y}" if inspection.start_date else "date not known"
    return f"{inspection.get_kind_display()}, {when}: {finding.text}"


class ReviewForm(forms.Form):
    """A leader signs off work that is ready, or returns it saying what is still needed."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("sign_off", "Sign it off: the action is complete"), ("return", "Return it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to sign it off or return it"},
    )
    comment = TextField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you return it: say what is still needed.",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", "Say what is still needed")
        return data


class EvidenceReturnForm(forms.Form):
    comment = TextField(
        label="What is the evidence missing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the evidence is missing"},
    )


class FindingStateForm(forms.Form):
    """Where a finding stands in the plan."""

    state = forms.ChoiceField(label="State", choices=FindingState.choices, widget=forms.RadioSelect)
    superseded_by = FindingChoiceField(
        label="Superseded by",
        queryset=None,
        required=False,
        empty_label="Choose the later finding",
        help_text="Only when it is superseded: the later finding that carries it on.",
    )
    reason = TextField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason"},
    )

    def __init__(self, *args, finding: Finding, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["superseded_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Finding.objects.filter(inspection__authority=finding.inspection.authority)
            .exclude(inspection=finding.inspection)
            .select_related("inspection")
            .order_by("-inspection__start_date", "inspection_id", "order")
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("state") == FindingState.SUPERSEDED and not data.get("superseded_by"):
            self.add_error("superseded_by", "Choose the later finding that supersedes it")
        return data


class PlanDatesForm(forms.Form):
    """The statutory clock's dates for one inspection."""

    report_received_date = forms.DateField(
        label="Date the final report was received",
        required=False,
        widget=DateInput,
        validators=[plausible_date],
        error_messages={"invalid": "Enter the date the report was received as a real date"},
    )
    priority_actions = forms.BooleanField(
        label="The focused visit named priority actions (a draft plan is due in 20 working days)",
        required=False,
    )
    plan_submitted_date = forms.DateField(
        label="Date the action plan was sent to Ofsted",
        required=False,
        widget=DateInput,
        validators=[plausible_date],
        error_messages={"invalid": "Enter the date the plan was sent as a real date"},
    )

    def __init__(self, *args, inspection, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "report_received_date": inspection.report_received_date,
                "priority_actions": inspection.priority_actions,
                "plan_submitted_date": inspection.plan_submitted_date,
            },
        )
        super().__init__(*args, **kwargs)
        if inspection.kind != "focused_visit":
            del self.fields["priority_actions"]
