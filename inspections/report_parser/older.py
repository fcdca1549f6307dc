"""Reports of the frameworks before 2013, and what they share with the single
inspection framework (``sif``): the register of authority names, the dates,
the inspector's name, numbered paragraphs.

Pre-2013 reports ("Inspection of safeguarding and looked after children
services", "Inspection of looked after children services") print a "Record of
main findings" table graded on the old four-point scale (Outstanding, Good,
Adequate, Inadequate) and list "Areas for improvement" as bullets under
"Immediately", "Within three months" and "Within six months".
"""

import re
from collections.abc import Callable
from datetime import date

from . import authorities
from .model import ParsedParagraph, ParsedReport, ReportError
from .text import (
    DIGITS,
    GLYPHS,
    MONTHS,
    NUMBER_ALONE,
    dates_in,
    join,
    squash,
    starts_lower,
)

# U+F06E, U+F02D: private-use glyphs some PDFs of this period print for bullets and dashes.
BULLET = re.compile(rf"^(?:[{GLYPHS}\uf06e\uf02d]\s*|[-–*]\s+)(?=\S)")
BULLET_ALONE = re.compile(rf"^[{GLYPHS}\uf06e\uf02d]$")

# A numbered paragraph: "12. Text", and "12.Text" as some PDFs print it after 9.
PARAGRAPH = re.compile(r"^(\d{1,3})\.(?:\s+|(?=[A-Z‘“'(]))(\S.*)$")

# --- Authority names -----------------------------------------------------------

# Titles of this period name the council ("Metropolitan Borough of Barnsley
# Council", "Wakefield District Metropolitan Council", "Leicester City"): the
# register in ``authorities`` gives the short name; failing that, the longest
# register name found in the title, on word boundaries.


def _name_key(text: str) -> str:
    text = squash(text).replace("&", " and ").replace("’", "'").replace("St. ", "St ")
    return " " + re.sub(r"[^a-z0-9']+", " ", text.lower()).strip() + " "


_REGISTER = sorted(
    [(_name_key(name), name) for name in authorities.NAMES]
    + [(_name_key(alias), name) for alias, name in authorities.ALIASES.items()],
    key=lambda pair: -len(pair[0]),
)


def register_name(title: str) -> str | None:
    """The register's name for an authority as a title prints it, or None."""
    name = authorities.canonical_name(title)
    if authorities.is_known(name):
        return name
    key = _name_key(title)
    return next((name for name_key, name in _REGISTER if name_key in key), None)


# --- Dates, inspectors, paragraphs -----------------------------------------------

_MONTH_NAMES = MONTHS.split("|")
_SHORT_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?", re.I)


def _full_month(m: re.Match[str]) -> str:
    short = m.group(1).lower()[:3]
    return next(name for name in _MONTH_NAMES if name.lower().startswith(short))


def inspection_dates(lines: list[str], limit: int = 40) -> tuple[date, date] | None:
    """The on-site dates from "Inspection date(s): …" near the top (en dashes,
    "to", a month or year given once, "Feb" for February), never from
    "Report published"."""
    for i, line in enumerate(lines[:limit]):
        m = re.match(r"^Inspection dates?\s*:?\s*(.*)$", line, re.I)
        if not m:
            continue
        span = m.group(1)
        if not re.search(r"\d{4}\s*$", span) and i + 1 < len(lines):
            span += " " + lines[i + 1]
        span = _SHORT_MONTH.sub(_full_month, span)
        span = re.sub(  # 12/09/2016
            r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b",
            lambda x: (
                f"{int(x.group(1))} {_MONTH_NAMES[int(x.group(2)) - 1]} {x.group(3)}"
                if 1 <= int(x.group(2)) <= 12
                else x.group(0)
            ),
            span,
        )
        span = re.sub(r"(?i)\b(" + MONTHS + r")\b", lambda x: x.group(1).capitalize(), span)
        dates = dates_in(span)
        if dates:
            return min(dates), max(dates)
    return None


def published(lines: list[str], limit: int = 40) -> date | None:
    for line in lines[:limit]:
        m = re.match(r"^(?:Report )?published\s*:?\s*(.*)$", line, re.I)
        if m:
            dates = dates_in(_SHORT_MONTH.sub(_full_month, m.group(1)))
            if dates:
                return dates[0]
    return None


INSPECTOR_TITLES = re.compile(
    r"(?:[,;]?\s*\(?(?:Senior\s+)?HMIs?\)?\.?"
    r"|[,;]?\s*(?:Senior\s+)?(?:Her|His) Majesty['’]s Inspectors?\.?"
    r"|[,;]?\s*(?:Contracted|Seconded|Additional|Social Care Regulatory) Inspector\.?)\s*$",
    re.I,
)


def inspector_name(text: str) -> str | None:
    """'John Mitchell, Senior HMI' -> 'John Mitchell'."""
    name = squash(text).strip(" .,;")
    while True:
        shorter = INSPECTOR_TITLES.sub("", name).strip(" .,;")
        if shorter == name:
            break
        name = shorter
    return name or None


def numbered_paragraphs(
    lines: list[str],
    begin: int,
    end: int,
    section_of: Callable[[int], str] | None = None,
    heading: Callable[[int], bool] | None = None,
) -> list[ParsedParagraph]:
    """The paragraphs numbered 1, 2, 3 … between lines begin and end, in order.

    A number counts only when it is the next one expected, so a "2013." that
    a line starts with, or a table row "2.1", is not taken for a paragraph. A
    heading (``heading(i)``) ends a paragraph's text: unnumbered text after it
    (a summary for children, a section's introduction) belongs to no paragraph.
    """
    paragraphs: list[ParsedParagraph] = []
    current: ParsedParagraph | None = None
    for i in range(begin, end):
        line = lines[i]
        expected = len(paragraphs) + (current is not None) + 1
        m = PARAGRAPH.match(line)
        alone = NUMBER_ALONE.match(line)
        number = int(m.group(1)) if m else int(alone.group(1)) if alone else None
        if number == expected and (m or (alone and line.endswith("."))):
            if current:
                paragraphs.append(current)
            section = section_of(i) if section_of else ""
            current = ParsedParagraph(expected, section, m.group(2) if m else "")
        elif current is not None and heading and heading(i):
            paragraphs.append(current)
            current = None
        elif current is not None and not DIGITS.match(line):
            current.text = join(current.text, line)
    if current:
        paragraphs.append(current)
    return paragraphs


def first_match(lines: list[str], pattern: re.Pattern[str], start: int = 0, stop: int = -1) -> int:
    """The index of the first line from start that matches, or -1."""
    stop = len(lines) if stop < 0 else min(stop, len(lines))
    return next((i for i in range(start, stop) if pattern.match(lines[i])), -1)


# --- Pre-2013 reports ------------------------------------------------------------

OLD_TITLE = re.compile(
    r"^Inspection of (?:safeguarding and )?looked after children(?:['’]s)?(?: services)?$", re.I
)
OLD_GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",
    "inadequate": "Inadequate",
}
_OLD_GRADE_AT_END = re.compile(r"^(.*?)\s*\b(outstanding|good|adequate|inadequate)\.?$", re.I)
_GRADE_N = re.compile(r"\s*\(?Grade\s+\d\)?\s*", re.I)


def is_old(lines: list[str]) -> bool:
    head = lines[:12]
    return any(
        OLD_TITLE.match(a) or OLD_TITLE.match(join(a, b))
        for a, b in zip(head, head[1:] + [""], strict=True)
    )


def _old_authority(lines: list[str]) -> str:
    for i, line in enumerate(lines[:12]):
        title = OLD_TITLE.match(line) or (
            i + 1 < len(lines) and OLD_TITLE.match(join(line, lines[i + 1]))
        )
        if not title:
            continue
        for candidate in lines[i + 1 : i + 4]:
            name = register_name(candidate)
            if name:
                return name
    raise ReportError("The local authority’s name could not be found; give it with --authority.")


def _main_findings(lines: list[str], start: int) -> list[tuple[str, str]]:
    """The "Record of main findings" rows: (area as printed, grade as printed).

    Sub-headings ("Services for looked after children") have no grade; an area
    may wrap, with its grade on a line of its own.
    """
    rows: list[tuple[str, str]] = []
    area = ""
    for line in lines[start + 1 :]:
        text = _GRADE_N.sub(" ", line).strip()
        if not text:
            continue
        grade = OLD_GRADES.get(text.rstrip(".").lower())
        if grade:
            if not area:
                raise ReportError(
                    f"The record of main findings has a grade (“{text}”) with no area."
                )
            rows.append((area, grade))
            area = ""
            continue
        m = _OLD_GRADE_AT_END.match(text)
        if area and not starts_lower(text) and not m:
            area = ""  # what came before was a sub-heading
        if m and m.group(1):
            rows.append((join(area, m.group(1)) if starts_lower(text) else m.group(1), _old(m)))
            area = ""
            continue
        area = join(area, text) if area else text
    return rows


def _old(m: re.Match[str]) -> str:
    return OLD_GRADES[m.group(2).lower()]


AREAS_FOR_IMPROVEMENT = re.compile(r"^Areas for improvement:?$", re.I)
TIMESCALE = re.compile(r"^(Immediately|Within (?:three|six|3|6|twelve|12) months)\s*:?$", re.I)
OLD_SECTION_GRADE = re.compile(r"^\(?Grade\s+\d\b", re.I)


def _old_recommendations(lines: list[str], start: int, end: int) -> list[str]:
    """The bullets under each timescale in "Areas for improvement", in order."""
    items: list[str] = []
    current: str | None = None
    in_list = False
    for i in range(start + 1, end):
        line = lines[i]
        if TIMESCALE.match(line):
            in_list = True
            if current is not None:
                items.append(current)
                current = None
            continue
        if not in_list:
            continue
        bullet = BULLET.match(line) or BULLET_ALONE.match(line)
        if bullet:
            if current is not None:
                items.append(current)
            current = line[bullet.end() :]
            continue
        if PARAGRAPH.match(line) or any(OLD_SECTION_GRADE.match(x) for x in lines[i : i + 3]):
            break  # the next section: its title, then "Grade 3 (Adequate)"
        if current is not None:
            current = join(current, line)
    if current is not None:
        items.append(current)
    return items


def parse_old(lines: list[str]) -> ParsedReport:
    """A pre-2013 report: type "other", grades as printed."""
    report = ParsedReport(
        authority=_old_authority(lines),
        inspection_kind="other",
        start_date=None,
        end_date=None,
    )
    dates = inspection_dates(lines)
    if dates:
        report.start_date, report.end_date = dates
    report.published_date = published(lines)
    for line in lines:
        m = re.match(r"^(?:Lead|Reporting) inspector\s*:?\s*(.+)$", line, re.I)
        if m:
            report.lead_inspector = inspector_name(m.group(1))
            break
    findings = first_match(lines, re.compile(r"^Record of main findings$", re.I))
    contents = first_match(lines, re.compile(r"^Contents$", re.I))
    body_start = contents + 1 if contents >= 0 else 0
    while body_start < len(lines) and re.search(r"\s\d{1,3}$", lines[body_start]):
        body_start += 1  # the table of contents
    body_end = findings if findings > body_start else len(lines)
    report.paragraphs = numbered_paragraphs(
        lines,
        body_start,
        body_end,
        heading=lambda i: any(OLD_SECTION_GRADE.match(x) for x in lines[i : i + 3]),
    )
    # Safeguarding and looked after children reports have a list in each part.
    for i in range(body_start, body_end):
        if AREAS_FOR_IMPROVEMENT.match(lines[i]):
            report.recommendations += _old_recommendations(lines, i, body_end)
    if findings >= 0:
        report.judgements = _main_findings(lines, findings)
    missing = []
    if report.start_date is None:
        missing.append("the inspection dates (“Inspection dates: …”)")
    if not report.judgements:
        missing.append("the record of main findings")
    if not report.recommendations:
        missing.append("the areas for improvement")
    if not report.paragraphs:
        missing.append("the numbered paragraphs")
    if missing:
        raise ReportError("Could not find " + "; ".join(missing) + ".")
    return report
