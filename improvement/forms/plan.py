"""A leader's forms for building the plan."""

from django import forms
from django.utils import timezone

from inspections.models import Finding

from .. import rules
from ..access import assignable_owners
from ..choices import FindingState
from ..models import Action, Status, Team
from .fields import (
    FindingChoiceField,
    FindingsChoiceField,
    PersonChoiceField,
    PlanDateField,
    TextField,
)


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
    start_date = PlanDateField(
        label="Start date", required=False, invalid="Enter the start date as a real date"
    )
    due_date = PlanDateField(
        label="Due date",
        missing="Enter the date the action is due",
        invalid="Enter the due date as a real date",
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

    report_received_date = PlanDateField(
        label="Date the final report was received",
        required=False,
        invalid="Enter the date the report was received as a real date",
    )
    priority_actions = forms.BooleanField(
        label="The focused visit named priority actions (a draft plan is due in 20 working days)",
        required=False,
    )
    plan_submitted_date = PlanDateField(
        label="Date the action plan was sent to Ofsted",
        required=False,
        invalid="Enter the date the plan was sent as a real date",
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
