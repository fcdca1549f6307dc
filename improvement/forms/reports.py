"""Choosing a board report's period."""

from django import forms

from .fields import DateInput, TextField, plausible_date


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
