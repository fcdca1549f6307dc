"""Fields and helpers the app's forms share."""

import datetime as dt

from django import forms

from inspections.models import Finding

from ..models import Action
from ..people import display_name
from ..text import plain_text


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


def resubmitted(data, action: Action):
    """What the person typed, against the action's version now (after someone else's save).

    The form is shown again with it, so they can read what changed and save again.
    """
    post = data.copy()
    post["version"] = str(action.version)
    return post


class DateInput(forms.DateInput):
    """A browser date picker; it needs ISO dates whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PlanDateField(forms.DateField):
    """A date a person types: the browser's date picker, within the plan's life
    (`plausible_date`), with the form's own words when it is missing or not a date."""

    widget = DateInput
    default_validators = [plausible_date]

    def __init__(self, *, invalid: str, missing: str = "", **kwargs):
        messages = {"invalid": invalid} | ({"required": missing} if missing else {})
        super().__init__(error_messages=messages, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class FindingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return finding_label(obj)


class FindingsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return finding_label(obj)


def finding_label(finding: Finding) -> str:
    inspection = finding.inspection
    when = f"{inspection.start_date:%B %Y}" if inspection.start_date else "date not known"
    return f"{inspection.get_kind_display()}, {when}: {finding.text}"
