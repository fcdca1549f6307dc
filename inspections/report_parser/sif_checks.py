"""Self-checks for single inspection framework and pre-2013 reports, and their areas.

Run by ``validate`` for types "sif" and "other" before a report is returned; the
dates (start <= end <= published) and furniture-free recommendations are checked
for every type in ``validate`` itself.
"""

import re

from .model import ParsedReport
from .text import squash
from .validate import register

# A grade as these reports print it ("Require improvement" is a misprint of the grade).
GRADE = r"(?:requires?|required) improvement(?: to be good)?|good|outstanding|inadequate"

# The judgement table's areas in the order SIF reports print them.
SIF_AREAS = (
    "Children who need help and protection",
    "Children looked after and achieving permanence",
    "Adoption performance",
    "Experiences and progress of care leavers",
    "Leadership, management and governance",
)
OVERALL = "Overall effectiveness"
LSCB = "Local Safeguarding Children Board"

SIF_GRADES = {"Outstanding", "Good", "Requires improvement to be good", "Inadequate"}
OLD_GRADES = {"Outstanding", "Good", "Adequate", "Inadequate"}
FURNITURE = re.compile(
    r"(Inspection of services for children in need|Report published|www\.ofsted|©|"
    r"Review of the effectiveness of)",
    re.I,
)
KNOWN_AREAS = {area.lower() for area in (OVERALL, LSCB, *SIF_AREAS)}
# An area that ends on part of a grade was cut in the wrong place.
GRADE_FRAGMENT = re.compile(
    r"\b(?:be|to|requires?|improvement|good|outstanding|inadequate|not judged|judged)$", re.I
)


@register("sif")
def _sif_areas_in_order(report: ParsedReport) -> str | None:
    """Rows are kept as printed; their meaning and order are checked: overall
    first, LSCB last when present. A row printed "Not judged" is left out."""
    keys = [area for area, _ in report.judgements]
    for key in keys:
        if key.lower() not in KNOWN_AREAS and (
            _sif_area(key) == key or GRADE_FRAGMENT.search(key) or len(key) > 80
        ):
            return f"the judgement table row “{key}” is not an area of this framework"
    known = [_sif_area(k) for k in keys]
    order = [OVERALL, *SIF_AREAS, LSCB]
    if (
        len(set(known)) != len(known)
        or any(k not in order for k in known)
        or known != sorted(known, key=order.index)
        or not {OVERALL, SIF_AREAS[0], SIF_AREAS[4]} <= set(known)
    ):
        return "the judgement table does not have the framework's rows in order: " + "; ".join(keys)
    return None


@register("sif")
def _sif_grades(report: ParsedReport) -> str | None:
    return _grades_from(report, SIF_GRADES)


@register("other")
def _old_grades(report: ParsedReport) -> str | None:
    return _grades_from(report, OLD_GRADES)


def _grades_from(report: ParsedReport, grades: set[str]) -> str | None:
    if not report.judgements:
        return "there are no judgements"
    for area, grade in report.judgements:
        if grade not in grades:
            return f"“{grade}” ({area}) is not a grade of this framework"
    return None


@register("sif", "other")
def _paragraphs_one_to_n(report: ParsedReport) -> str | None:
    numbers = [p.number for p in report.paragraphs]
    if numbers != list(range(1, len(numbers) + 1)):
        return "the numbered paragraphs do not run 1, 2, 3 … without gaps"
    if report.type == "other" and not numbers:
        return "there are no numbered paragraphs"
    return None


@register("sif", "other")
def _recommendations_read(report: ParsedReport) -> str | None:
    if not report.recommendations:
        return "no recommendations were found"
    for item in report.recommendations:
        if FURNITURE.search(item):
            return f"a recommendation was not read cleanly: “{item[:80]}”"
    if report.type == "sif" and 0 < len(report.paragraphs) < len(report.recommendations):
        return "more recommendations were read than there are numbered paragraphs"
    return None


def _sif_area(printed: str) -> str:
    """The canonical SIF row for a row as printed (slips and wording variants)."""
    t = squash(printed).lower()
    for area in (OVERALL, LSCB, *SIF_AREAS):
        if t == area.lower():
            return area
    if "help and protection" in t:
        return SIF_AREAS[0]
    if "permanence" in t or "looked after" in t:
        return SIF_AREAS[1]
    if "adoption" in t:
        return SIF_AREAS[2]
    if "care leavers" in t:
        return SIF_AREAS[3]
    if "leadership" in t:
        return SIF_AREAS[4]
    return printed
