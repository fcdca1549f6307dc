"""ILACS reports (2018 on): the judgement table, numbered paragraphs and
the graded sections they fall under.
"""

import re

from .details import front_matter, refuse_if_missing
from .model import (
    GRADE_PATTERN,
    GRADES,
    REQUIRES_IMPROVEMENT,
    ParsedParagraph,
    ParsedReport,
    ParsedSection,
    ReportError,
)
from .text import (
    AREA_START,
    DIGITS,
    NUMBER_ALONE,
    PARAGRAPH,
    RECOMMENDATIONS_HEADING,
    SECTION_HEADING,
    SECTION_START,
    cells,
    join,
    squash,
    starts_lower,
)


def full_grade(text: str) -> str | None:
    return GRADES.get(squash(text).rstrip(".").lower())


def _judgements(raw_lines: list[str]) -> tuple[list[tuple[str, str]], int]:
    """The judgement table's rows (area as printed, grade) and the line after it."""
    start = None
    for i, line in enumerate(raw_lines[:120]):
        if re.match(r"^Judgements?(\s+areas?)?\s+Grades?$", squash(line), re.I):
            start = i
            break
        # pdftotext's default mode puts the two headings on lines of their own.
        following = squash(raw_lines[i + 1]).lower() if i + 1 < len(raw_lines) else ""
        heading = squash(line).lower()
        if heading in ("judgement", "judgements") and following in ("grade", "grades"):
            start = i + 1
            break
    if start is None:
        return [], 0
    rows: list[tuple[str, str]] = []
    area: list[str] = []
    grade: str | None = None
    partial = ""  # a grade split over lines: "Requires improvement" / "to be good"
    end = len(raw_lines)

    def finish():
        if area:
            if grade is None:
                raise ReportError(f"The judgement table gives no grade for “{' '.join(area)}”.")
            rows.append((" ".join(area), grade))

    for index in range(start + 1, len(raw_lines)):
        stop = False
        for cell in cells(raw_lines[index]):
            text = cell
            if partial:
                # The rest of a split grade; in layout mode an area's wrapped
                # line or the next row's area may come between the two halves.
                joined = f"{partial} {text}"
                if REQUIRES_IMPROVEMENT.startswith(joined.lower()):
                    partial = joined
                    if joined.lower() == REQUIRES_IMPROVEMENT:
                        grade, partial = GRADES[REQUIRES_IMPROVEMENT], ""
                    continue
            if full := full_grade(text):
                grade = full
                continue
            if text.lower() != "requires" and REQUIRES_IMPROVEMENT.startswith(text.lower()):
                partial = text
                continue
            # An area and its grade on one line: "Overall effectiveness Good".
            m = re.match(rf"^(.*\S)\s+({GRADE_PATTERN}|requires improvement)\.?$", text, re.I)
            tail = None
            if m and (AREA_START.match(text) or (area and starts_lower(text))):
                text, tail = m.group(1), m.group(2)
            if AREA_START.match(text):
                finish()
                area, grade = [text], None
            elif area and starts_lower(text):
                area.append(text)
            else:
                stop = True
                break
            if tail:
                if full := full_grade(tail):
                    grade = full
                else:
                    partial = tail
        if stop:
            end = index
            break
    finish()
    return rows, end


def _section_heading(lines: list[str], i: int) -> tuple[str, str, int] | None:
    """A graded section heading at line i, possibly wrapped: (title, grade, lines used)."""
    if not SECTION_START.match(lines[i]):
        return None
    text = lines[i]
    for used in range(1, 4):
        m = SECTION_HEADING.match(text)
        if m:
            return squash(m.group(1)), GRADES[m.group(2).lower()], used
        if i + used >= len(lines):
            break
        following = lines[i + used]
        if not (starts_lower(following) or text.endswith(":") or full_grade(following)):
            break
        text = join(text, following)
    return None


def _paragraphs(lines: list[str], begin: int, skip: range):
    """Numbered paragraphs (running 1..N) and the graded sections they fall under."""
    paragraphs: list[ParsedParagraph] = []
    sections: list[ParsedSection] = []
    section = ""
    current: ParsedParagraph | None = None
    i = begin
    while i < len(lines):
        if i in skip:
            i += 1
            continue
        line = lines[i]
        expected = len(paragraphs) + (current is not None) + 1
        heading = _section_heading(lines, i)
        if heading:
            title, grade, used = heading
            if current:
                paragraphs.append(current)
                current = None
            sections.append(ParsedSection(title, grade))
            section = title
            i += used
            continue
        m = PARAGRAPH.match(line)
        alone = NUMBER_ALONE.match(line)
        if m and int(m.group(1)) == expected:
            if current:
                paragraphs.append(current)
            current = ParsedParagraph(expected, section, m.group(2))
        elif (
            alone
            and int(alone.group(1)) == expected
            and i + 1 < len(lines)
            # "12." is a number; a bare "12" could be a stray marker, unless a sentence follows.
            and (line.endswith(".") or not starts_lower(lines[i + 1]))
        ):
            if current:
                paragraphs.append(current)
            current = ParsedParagraph(expected, section, "")
        elif RECOMMENDATIONS_HEADING.match(line):
            if current:
                paragraphs.append(current)
            current = None
        elif current is not None and not DIGITS.match(line):
            current.text = join(current.text, line)
        i += 1
    if current:
        paragraphs.append(current)
    for s in sections:
        numbers = [p.number for p in paragraphs if p.section == s.title]
        if numbers:
            s.first_paragraph, s.last_paragraph = min(numbers), max(numbers)
    return paragraphs, sections


KINDS = ("standard", "short")


def parse(lines: list[str], raw_lines: list[str], kind: str) -> ParsedReport:
    """An ILACS report (standard or short inspection)."""
    report, missing, skip = front_matter(lines, raw_lines, kind)
    report.judgements, table_end = _judgements(raw_lines)
    if not report.judgements:
        missing.append("the judgement table (“Judgement … Grade”)")
    report.paragraphs, report.sections = _paragraphs(lines, table_end, skip)
    if not report.paragraphs:
        missing.append("the numbered paragraphs")
    if not report.recommendations:
        missing.append("the recommendations (the bullets under “What needs to improve”)")
    refuse_if_missing(missing)
    return report
