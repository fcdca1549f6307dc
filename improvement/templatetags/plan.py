"""Colours for status and RAG tags. The tag text always says the status: colour is never alone."""

from django import template
from django.utils.html import format_html

register = template.Library()

STATUS_COLOURS = {
    "no_actions": "govuk-tag--purple",
    "not_started": "govuk-tag--grey",
    "in_progress": "govuk-tag--light-blue",
    "blocked": "govuk-tag--red",
    "ready_for_sign_off": "govuk-tag--yellow",
    "complete": "govuk-tag--green",
}
RAG_COLOURS = {
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "blue": "govuk-tag--blue",
}
IMPACT_COLOURS = {
    "off_track": "govuk-tag--red",
    "close": "govuk-tag--orange",
    "on_track": "govuk-tag--green",
    "not_yet": "govuk-tag--grey",
    "no_measures": "govuk-tag--grey",
}
GRADE_COLOURS = {
    "outstanding": "govuk-tag--green",
    "good": "govuk-tag--turquoise",
    "requires_improvement": "govuk-tag--yellow",
    "inadequate": "govuk-tag--red",
}


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "govuk-tag--grey")


@register.filter
def rag_colour(rag: str) -> str:
    return RAG_COLOURS.get(rag, "govuk-tag--grey")


@register.filter
def impact_colour(impact: str) -> str:
    return IMPACT_COLOURS.get(impact, "govuk-tag--grey")


@register.filter
def impact_label(value: str) -> str:
    """The words for a stored impact rating (see improvement.impact)."""
    from improvement.choices import Impact

    return str(Impact(value).label) if value in Impact.values else "–"


@register.filter
def figure(value, unit: str) -> str:
    """A measure's figure as people read it: `{{ value|figure:measure.unit }}` (62.5%).

    Takes a Decimal or the string a saved report keeps.
    """
    from decimal import Decimal, InvalidOperation

    from improvement.impact import display

    if value in (None, ""):
        return display(None, unit)
    try:
        return display(Decimal(str(value)), unit)
    except InvalidOperation:
        return str(value)


@register.filter
def period_of(measure, start) -> str:
    """A measure's period as words: `{{ measure|period_of:value.period }}` (Oct–Dec 2026)."""
    return measure.period_label(start)


@register.filter
def export_colour(status: str) -> str:
    return {"ready": "govuk-tag--green", "failed": "govuk-tag--red"}.get(status, "govuk-tag--grey")


@register.filter
def grade_colour(grade: str) -> str:
    return GRADE_COLOURS.get(grade, "govuk-tag--grey")


@register.filter
def direction_label(value: str) -> str:
    from improvement.choices import Direction

    return str(Direction(value).label) if value in Direction.values else value


@register.filter
def has_measures(report: dict) -> bool:
    """Whether a saved report has its findings' measures (see reports.has_measures)."""
    from improvement.reports import has_measures

    return has_measures(report)


@register.filter
def status_label(value: str) -> str:
    """The words for a stored status code (an action's or a finding's)."""
    from improvement.choices import FindingStatus, Status

    if not value:
        return "Not yet created"
    for choices in (Status, FindingStatus):
        if value in choices.values:
            return str(choices(value).label)
    return value


@register.filter
def rag_label(value: str) -> str:
    return value.capitalize() if value else "–"


@register.filter
def iso_date(value: str, fmt: str = "j M Y"):
    """Format an ISO date string kept in a saved report."""
    import datetime as dt

    from django.utils.dateformat import format as date_format

    if not value:
        return ""
    return date_format(dt.date.fromisoformat(value[:10]), fmt)


@register.filter
def person(user) -> str:
    """A person's name as pages show it (see people.display_name)."""
    from improvement.people import display_name

    return display_name(user) if user else ""


@register.simple_tag
def tag(text, colour: str = "", hidden: str = "", prefix: str = "", suffix: str = "") -> str:
    """A GOV.UK tag: `{% tag text colour hidden="RAG: " prefix="Overall: " %}`.

    `hidden` is read by screen readers only; `prefix` and `suffix` are shown
    around the text. The one place the tag's markup is written.
    """
    return format_html(
        '<strong class="govuk-tag {}">{}{}{}{}</strong>',
        colour,
        format_html('<span class="govuk-visually-hidden">{}</span>', hidden) if hidden else "",
        prefix,
        text,
        suffix,
    )


@register.filter
def may_own_actions(user) -> bool:
    """Managers and leaders own actions; viewers never do, so "My actions" is not for them."""
    from improvement.access import has_role
    from improvement.choices import Role

    return has_role(user, Role.MANAGER) or has_role(user, Role.LEADER)


@register.filter
def typed_comment(form, finding_id) -> str:
    """The commentary on a finding a person typed into a save form (shown again on error)."""
    return (form.data.get(f"comment_{finding_id}", "") if form.is_bound else "") or ""
