"""Render Django form fields with GOV.UK Design System markup."""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

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
    if type(widget) is forms.Select:
        return _select(field, attrs)
    return field.as_widget(attrs=attrs)


def _select(field, attrs: dict) -> SafeString:
    """A single-choice <select>, written directly rather than through Django's widget
    templates, which render a template per <option> (a list of every authority has 150).

    The same markup Django's Select widget gives: the attributes the bound field
    would add (required, aria-invalid...), and the first option matching the value
    selected.
    """
    widget = field.field.widget
    attrs = {"name": field.html_name, **widget.attrs, **field.build_widget_attrs(attrs, widget)}
    if field.auto_id:
        attrs["id"] = field.auto_id
    value = field.value()
    wanted = "" if value is None else str(value)
    chosen = False
    parts: list[str] = []

    def add(choices) -> None:
        nonlocal chosen
        for option_value, label in choices:
            if isinstance(label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(option_value)}">')
                add(label)
                parts.append("</optgroup>")
                continue
            text = "" if option_value is None else str(option_value)
            selected = not chosen and text == wanted
            chosen = chosen or selected
            parts.append(
                f'<option value="{escape(text)}"{" selected" if selected else ""}>'
                f"{conditional_escape(label)}</option>"
            )

    add(field.field.choices)
    # Every value and label above is escaped, so the whole is safe.
    return mark_safe(f"<select{flatatt(attrs)}>{''.join(parts)}</select>")  # noqa: S308
