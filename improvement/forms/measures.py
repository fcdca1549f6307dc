"""Forms for outcome measures: a leader's measure form, an owner's month of values."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms

from inspections.models import Finding, LocalAuthority

from ..access import assignable_owners
from ..choices import Direction, Frequency, Unit
from ..models import Action, Measure, MeasureValue
from .fields import (
    FindingsChoiceField,
    PersonChoiceField,
    PlanDateField,
    TextField,
    plausible_date,
)

FIGURE_ERRORS = {
    "invalid": "Enter a number, like 62.5",
    "max_digits": "Enter a number of 10 digits or fewer before the decimal point",
    "max_decimal_places": "Enter a number with at most 2 decimal places",
    "max_whole_digits": "Enter a number of 10 digits or fewer before the decimal point",
    "min_value": "Enter a number that is 0 or more",
}


def figure_field(label: str, *, required: bool = True, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        error_messages=FIGURE_ERRORS | {"required": f"Enter the {label.lower()}"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        **kwargs,
    )


INTERIM_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*[,:;\s]\s*([0-9][0-9,]*(?:\.\d+)?)\s*%?\s*$")


class MeasureForm(forms.Form):
    """What a measure counts, which way is better, its target and what it evidences."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = TextField(label="Name", max_length=200, error_messages={"required": "Enter a name"})
    definition = TextField(
        label="Definition",
        help_text="What is counted: the numerator and the denominator, in words.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the measure counts"},
    )
    source = TextField(
        label="Source (optional)",
        required=False,
        max_length=200,
        help_text="Where the figure comes from, such as a performance report.",
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=Unit.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the unit"},
    )
    direction = forms.ChoiceField(
        label="Which way is better?",
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether higher or lower is better"},
    )
    frequency = forms.ChoiceField(
        label="How often is it measured?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often it is measured"},
    )
    target = figure_field("Target")
    target_date = PlanDateField(
        label="Target date",
        missing="Enter the date the target should be met by",
        invalid="Enter the target date as a real date",
    )
    interim_targets = forms.CharField(
        label="Interim targets (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One per line: the date and the figure, for example 2026-03-31 60.",
    )
    owner = PersonChoiceField(
        label="Owner",
        queryset=None,
        help_text="The person who enters its values: a manager or leader of the authority.",
        error_messages={"required": "Choose who owns the measure"},
    )
    findings = FindingsChoiceField(
        label="Findings it shows progress on",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actions: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Actions it evidences",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, authority: LocalAuthority, measure: Measure | None = None, **kw):
        if measure is not None:
            initial = {
                name: getattr(measure, name) for name in self.base_fields if hasattr(measure, name)
            }
            initial |= {
                "version": measure.version,
                "owner": measure.owner_id,
                "findings": [f.pk for f in measure.findings.all()],
                "actions": [a.pk for a in measure.actions.all()],
                "interim_targets": "\n".join(
                    f"{t.date.isoformat()} {t.value.normalize():f}"
                    for t in measure.interim_targets.all()
                ),
            }
            kw.setdefault("initial", initial)
        super().__init__(*args, **kw)
        self.fields["owner"].queryset = assignable_owners(authority)  # type: ignore[attr-defined]
        self.fields["findings"].queryset = (  # type: ignore[attr-defined]
            Finding.objects.filter(inspection__authority=authority)
            .select_related("inspection")
            .order_by("-inspection__start_date", "inspection_id", "order")
        )
        self.fields["actions"].queryset = Action.objects.filter(  # type: ignore[attr-defined]
            authority=authority
        ).order_by("title", "pk")

    def clean_interim_targets(self) -> list[tuple[dt.date, Decimal]]:
        """Lines of 'date figure'; every bad line is named."""
        targets = []
        problems = []
        lines = [line for line in self.cleaned_data["interim_targets"].splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            match = INTERIM_LINE.match(line)
            try:
                if not match:
                    raise ValueError
                day = dt.date.fromisoformat(match[1])
                plausible_date(day)
                value = Decimal(match[2].replace(",", ""))
            except (ValueError, InvalidOperation, forms.ValidationError):
                problems.append(f"line {number} (“{line.strip()[:40]}”)")
                continue
            targets.append((day, value))
        if problems:
            raise forms.ValidationError(
                "Write each interim target as a date and a figure, like 2026-03-31 60: check "
                + ", ".join(problems)
            )
        return targets


class MonthValuesForm(forms.Form):
    """One month's figures for several measures: a value, comparators and a note for each.

    A measure left blank is skipped. A quarterly measure is in the form of its
    quarter's last month. `seen_<pk>` is the current value the page showed, so a
    figure someone else entered meanwhile is not overwritten unseen.
    """

    def __init__(
        self,
        *args,
        measures: list[Measure],
        periods: dict[int, dt.date],
        current: dict[int, MeasureValue],
        **kw,
    ):
        super().__init__(*args, **kw)
        self.measures = measures
        self.periods = periods
        self.current = current
        for measure in measures:
            was = current.get(measure.pk)
            pk = measure.pk
            self.fields[f"value_{pk}"] = figure_field(
                f"Value for {measure.name}", required=False, initial=was and was.value
            )
            self.fields[f"england_{pk}"] = figure_field(
                "England average (optional)", required=False, initial=was and was.england_average
            )
            self.fields[f"neighbours_{pk}"] = figure_field(
                "Statistical neighbours’ average (optional)",
                required=False,
                initial=was and was.neighbours_average,
            )
            self.fields[f"note_{pk}"] = TextField(
                label="Note (needed if you correct a figure)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"seen_{pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=was and was.pk
            )

    def groups(self) -> list[dict]:
        """The fields of each measure, for the template's fieldsets."""
        return [
            {
                "measure": m,
                "period": self.periods[m.pk],
                "current": self.current.get(m.pk),
                "fields": [
                    self[f"{name}_{m.pk}"] for name in ("value", "england", "neighbours", "note")
                ],
                "seen": self[f"seen_{m.pk}"],
            }
            for m in self.measures
        ]

    def clean(self):
        data = super().clean() or {}
        for measure in self.measures:
            pk = measure.pk
            if data.get(f"value_{pk}") is None and (
                data.get(f"england_{pk}") is not None or data.get(f"neighbours_{pk}") is not None
            ):
                self.add_error(
                    f"value_{pk}", f"Enter the value for {measure.name}, or clear its averages"
                )
        return data
