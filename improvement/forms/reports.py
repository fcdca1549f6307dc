"""Choosing a board report's period."""

import re

from django import forms

from inspections.models import Inspection

from .fields import PlanDateField, TextField

COMMENT = re.compile(r"comment_\d{1,12}")


class InspectionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        when = f"{obj.start_date:%B %Y}" if obj.start_date else "date not known"
        return f"{obj.authority}: {obj.get_kind_display()}, {when}"


class ReportPeriodForm(forms.Form):
    """Which authority and period a board report covers."""

    authority: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Local authority",
        queryset=None,
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": "Choose a local authority you work for"},
    )
    start = PlanDateField(
        label="From",
        missing="Enter the first day of the period",
        invalid="Enter the first day as a real date",
    )
    end = PlanDateField(
        label="To",
        missing="Enter the last day of the period",
        invalid="Enter the last day as a real date",
    )

    inspections = InspectionsField(
        label="Inspections and visits to cover",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose none for the current plan: the findings no leader has closed.",
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = authorities
        chosen = self.fields["inspections"]
        assert isinstance(chosen, forms.ModelMultipleChoiceField)
        chosen.queryset = (
            Inspection.objects.filter(authority__in=authorities)
            .select_related("authority")
            .latest_first()
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The last day must be on or after the first day")
        authority = data.get("authority")
        if authority and any(i.authority_id != authority.pk for i in data.get("inspections", [])):
            self.add_error("inspections", f"Choose inspections of {authority}")
        return data


class SaveReportForm(ReportPeriodForm):
    """The period and scope again, a title, and the leader's commentary to freeze with it.

    Commentary on a finding comes as `comment_<finding id>` fields, one per finding
    shown; `comments()` gives them by finding id.
    """

    title = TextField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the board report"},
    )
    summary = TextField(
        label="Summary for the board",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in self.data or {}:
            if COMMENT.fullmatch(key):
                self.fields[key] = TextField(label="Commentary", required=False, max_length=2000)

    def comments(self) -> dict[int, str]:
        return {
            int(name.removeprefix("comment_")): value
            for name, value in self.cleaned_data.items()
            if COMMENT.fullmatch(name) and value and value.strip()
        }


class WithdrawReportForm(forms.Form):
    reason = TextField(
        label="Why is this report withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the report is withdrawn"},
    )


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        withdrawn = " (withdrawn)" if obj.withdrawn_at else ""
        return f"{obj.title}: {obj.authority}, saved {obj.created_at:%-d %b %Y}{withdrawn}"


class CompareReportsForm(forms.Form):
    """Two saved reports of the same authority."""

    first = ReportChoiceField(
        label="First report",
        queryset=None,
        error_messages={"required": "Choose the first report"},
    )
    second = ReportChoiceField(
        label="Second report",
        queryset=None,
        error_messages={"required": "Choose the second report"},
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = reports

    def clean(self):
        super().clean()
        data = self.cleaned_data
        first, second = data.get("first"), data.get("second")
        if first and second and first.pk == second.pk:
            self.add_error("second", "Choose two different reports")
        elif first and second and first.authority_id != second.authority_id:
            self.add_error("second", "Choose two reports of the same local authority")
        return data
