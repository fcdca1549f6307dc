"""Letters: focused visits, monitoring visits and joint targeted area
inspections (JTAI). No judgements and no numbered paragraphs: the list of what
needs to improve when the letter has one, and its areas for priority action.

A letter may list nothing to improve (the visit found nothing new, or the
areas set earlier still stand): that is a valid letter, with recommendations
``[]``, ``improvements_listed`` False and a note saying so.
"""

import re

from .details import front_matter, recommendations, refuse_if_missing
from .model import ParsedReport
from .text import join

KINDS = ("focused_visit", "monitoring_visit", "jtai")

IMPROVE_HEADING = re.compile(
    r"^(?=(?-i:[A-Z]))(?:What needs to improve\b|Areas? for improvement\b|"
    r"What the local authority needs to improve\b)",
    re.I,
)
PRIORITY_HEADING = re.compile(r"^(?-i:A)reas? for priority action\b", re.I)
# Prose under the heading that says there is nothing new to list.
NOTHING_NEW = re.compile(
    r"\bno (?:additional|further|new|other) areas?\b|\bcontinue to be those\b|\bremain\b", re.I
)

SAME_AS_BEFORE = re.compile(
    r"^The areas for improvement (?:continue to be|remain)\b|"
    r"\bno (?:additional|further|new) areas\b",
    re.I,
)


def parse(lines: list[str], raw_lines: list[str], kind: str) -> ParsedReport:
    report, missing, _ = front_matter(lines, raw_lines, kind)
    report.priority_actions = recommendations(lines, raw_lines, PRIORITY_HEADING)[0]
    items, start, end = recommendations(lines, raw_lines, IMPROVE_HEADING)
    if start >= 0 and not items:
        prose = lines[start + 1 : end]
        if not NOTHING_NEW.search(" ".join(prose)):
            items = _prose_items(prose)
    if len(items) == 1 and SAME_AS_BEFORE.search(items[0]):
        items = []  # "The areas for improvement continue to be those identified at …"
    report.recommendations = items
    if not items:
        report.improvements_listed = False
        report.notes.append(
            "The letter lists nothing to improve: it is imported with no recommendations."
        )
    refuse_if_missing(missing)
    return report


def _prose_items(prose: list[str]) -> list[str]:
    """Areas for improvement written as short paragraphs rather than bullets: one
    item for each paragraph (a line that ends a sentence ends a paragraph)."""
    items: list[str] = []
    current = ""
    for line in prose:
        current = join(current, line)
        if re.search(r"[.?!]$", line):
            items.append(current)
            current = ""
    if current:
        items.append(current)
    return items
