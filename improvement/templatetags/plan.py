"""Colours for status and RAG tags. The tag text always says the status: colour is never alone."""

from django import template

register = template.Library()

STATUS_COLOURS = {
    "no_actions": "govuk-tag--purple",
    "not_started": "govuk-tag--grey",
    "in_progress": "govuk-tag--light-blue",
    "blocked": "govuk-tag--red",
    "complete": "govuk-tag--green",
}
RAG_COLOURS = {
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "blue": "govuk-tag--blue",
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
def grade_colour(grade: str) -> str:
    return GRADE_COLOURS.get(grade, "govuk-tag--grey")


@register.filter
def status_label(value: str) -> str:
    """The words for a stored status code (an action's or a finding's)."""
    from improvement.models import FindingStatus

    if not value:
        return "Not yet created"
    return FindingStatus(value).label if value in FindingStatus.values else value


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
