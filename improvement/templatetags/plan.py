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
