"""Self-checks on the parser's own output, run before a report is returned.

A check that fails raises ReportError saying what failed: better no import
than a wrong grade. The checks are chosen by report type (``ParsedReport.type``):
``COMMON`` runs for every type, then the list registered for the type.

Adding rules for another format (the SIF parser in ``sif.py``, say)::

    from .validate import register

    @register("sif")
    def _sif_areas(report: ParsedReport) -> str | None:
        ...  # return what is wrong, or None

Each check returns a message saying what is wrong, or None. ``sif.py`` is
imported by the package, so registering at its import is enough.
"""

import re
from collections.abc import Callable
from datetime import timedelta

from .model import GRADES, ParsedReport, ReportError, match_judgement_area

Check = Callable[[ParsedReport], str | None]
CHECKS: dict[str, list[Check]] = {}
COMMON: list[Check] = []


def register(*types: str) -> Callable[[Check], Check]:
    """Run the decorated check on reports of these types (none: on every report)."""

    def add(check: Check) -> Check:
        if not types:
            COMMON.append(check)
        for name in types:
            CHECKS.setdefault(name, []).append(check)
        return check

    return add


def problems(report: ParsedReport) -> list[str]:
    """What is wrong with a parsed report, by the rules of its type."""
    found = []
    for check in COMMON + CHECKS.get(report.type, []):
        message = check(report)
        if message:
            found.append(message)
    return found


def validate(report: ParsedReport) -> None:
    """Raise ReportError if the report breaks a rule of its framework."""
    found = problems(report)
    if found:
        raise ReportError(
            "The report was read, but what was read fails its own checks, so nothing is "
            "imported: " + "; ".join(found) + "."
        )


# --- Every report -------------------------------------------------------------

# Page furniture that must never end up in a recommendation.
FURNITURE = re.compile(
    r"www\.gov\.uk/ofsted|ofsted\.gov\.uk|https?://|enquiries@|Piccadilly Gate|Store Street|"
    r"M1 2WD|Aviation House|Textphone|\b0300 123 \d{4}\b|\bPage \d+ of \d+\b|"
    r"\bInspection of [A-Z][^.]*? (?:local authority )?children[’']s services\b|"
    r"\b(?:Focused|Monitoring) visit to [A-Z][^.]*? children[’']s services\b|"
    r"[\ue000-\uf8ff\f]|\s\d{1,3}$",
)
# The longest span between the first and last day on site. A split ILACS
# inspection (Devon 2024-25) ran from 30 September to 16 January.
LONGEST_VISIT = {"ilacs": timedelta(days=150)}
LONGEST_LETTER_VISIT = timedelta(days=45)


@register()
def _dates_in_order(report: ParsedReport) -> str | None:
    start, end, published = report.start_date, report.end_date, report.published_date
    if start is None or end is None:
        return "the visit dates are missing"
    if start > end:
        return f"the visit ends ({end}) before it starts ({start})"
    if published is not None and end > published:
        return f"the visit ends ({end}) after the report's date ({published})"
    longest = LONGEST_VISIT.get(report.type, LONGEST_LETTER_VISIT)
    if report.type in ("ilacs", "focused_visit", "monitoring_visit", "jtai") and (
        end - start > longest
    ):
        return f"the visit dates run from {start} to {end}, longer than any such visit"
    return None


@register()
def _recommendations_clean(report: ParsedReport) -> str | None:
    for text in report.recommendations:
        if not text.strip():
            return "a recommendation is empty"
        m = FURNITURE.search(text)
        if m:
            return f"a recommendation holds page furniture (“{m.group(0).strip()}”): “{text[:80]}”"
    return None


# --- ILACS -------------------------------------------------------------------

OVERALL = "overall"
AREAS_2018 = {"leadership", "help_and_protection", "in_care_and_care_leavers", OVERALL}
AREAS_2023 = {"leadership", "help_and_protection", "in_care", "care_leavers", OVERALL}
AREAS_2026 = AREAS_2023 - {OVERALL}  # from April 2026: no overall effectiveness
FRAMEWORKS = {
    "the 2018-22 areas": AREAS_2018,
    "the 2023 areas": AREAS_2023,
    "the April 2026 areas (no overall effectiveness)": AREAS_2026,
}


@register("ilacs")
def _grades_known(report: ParsedReport) -> str | None:
    for area, grade in report.judgements:
        if grade not in GRADES.values():
            return f"“{grade}” for “{area}” is not an ILACS grade"
    return None


@register("ilacs")
def _areas_of_a_framework(report: ParsedReport) -> str | None:
    areas = [match_judgement_area(area) for area, _ in report.judgements]
    if None in areas:
        printed = report.judgements[areas.index(None)][0]
        return f"the judgement table has a row that is no ILACS area (“{printed}”)"
    if len(set(areas)) != len(areas):
        return "the judgement table names an area twice"
    if set(areas) not in FRAMEWORKS.values():
        return "the judgement table's areas are not those of any ILACS framework"
    if set(areas) == AREAS_2026 and report.start_date and report.start_date.year < 2026:
        return "the judgement table has no overall effectiveness, but the inspection is before 2026"
    return None


@register("ilacs")
def _paragraphs_numbered(report: ParsedReport) -> str | None:
    expected = 1
    for paragraph in report.paragraphs:
        if paragraph.number != expected:
            return f"the numbered paragraphs do not run 1..N: {expected} is missing"
        expected += 1
    return None


@register("ilacs")
def _sections_cover_paragraphs(report: ParsedReport) -> str | None:
    """Each paragraph falls under a section; sections run in order, back to back,
    and each section's grade is its area's grade in the judgement table."""
    if not report.paragraphs or not report.sections:
        return None if not report.sections else "sections were found but no paragraphs"
    table = {match_judgement_area(area): grade for area, grade in report.judgements}
    expected_first = 1
    for section in report.sections:
        if section.first_paragraph is None or section.last_paragraph is None:
            return f"the section “{section.title}” has no paragraphs"
        if section.first_paragraph != expected_first:
            return f"paragraph {expected_first} falls under no section"
        expected_first = section.last_paragraph + 1
        area = match_judgement_area(section.title)
        if area not in table:
            return f"the section “{section.title}” is no area of the judgement table"
        if table[area] != section.grade:
            return (
                f"the section “{section.title}” is graded {section.grade}, "
                f"the judgement table says {table[area]}"
            )
    if expected_first != len(report.paragraphs) + 1:
        return f"paragraphs {expected_first} onwards fall under no section"
    return None


# --- Letters -----------------------------------------------------------------


@register("focused_visit", "monitoring_visit", "jtai")
def _letters_have_no_grades(report: ParsedReport) -> str | None:
    if report.judgements or report.paragraphs or report.sections:
        return "a letter has no judgements and no numbered paragraphs"
    return None
