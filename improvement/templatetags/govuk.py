"""Render Django form fields with GOV.UK Design System markup."""

from django import forms, template

register = template.Library()

INPUT_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


@register.filter
def field_kind(field) -> str:
    """How the field's widget is drawn: radios, checkbox, hidden or input."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect subclass: first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def govuk_widget(field):
    """The field's own widget, with GOV.UK classes and the hint/error ids to describe it."""
    widget = field.field.widget
    base = next((c for cls, c in INPUT_CLASSES.items() if isinstance(widget, cls)), "govuk-input")
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
    if isinstance(widget, forms.DateInput) or widget.attrs.get("inputmode") == "decimal":
        classes.append("govuk-input--width-10")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
