"""ILACS reports (2018 on): the judgement table, numbered paragraphs and
the graded sections they fall under.
"""

import re

from .details import front_matter, refuse_if_missing
from .model import (
    GRADES,
    REQUIRES_IMPROVEMENT,
    ParsedParagraph,
    ParsedReport,
    ParsedSection,
    ReportError,
    canonical_grade,
)
from .text import (
    AREA_START,
    DIGITS,
    NUMBER_ALONE,
    PARAGRAPH,
    PARAGRAPH_NO_STOP,
    RECOMMENDATIONS_HEADING,
    SECTION_HEADING,
    SECTION_START,
    cells,
    join,
    join_all,
    squash,
    starts_lower,
)


def full_grade(text: str) -> str | None:
    return GRADES.get(squash(text).rstrip(".").lower())


# A grade, or the part of one a wrapped cell shows: "Requires improvement" /
# "to be good", "Requires improvement to be" / "good". Longest first, so that
# "… Requires improvement to be good" never reads as "… good".
GRADE_WORDS = (
    r"requires improvement to be good|requires improvement to be|requires improvement to|"
    r"requires improvement|require improvement|to be good|be good|to be|"
    r"outstanding|good|inadequate"
)
GRADE_CELL = re.compile(rf"^(?:{GRADE_WORDS})\.?$", re.I)
AREA_AND_GRADE = re.compile(rf"^(.*?\S)\s+((?:{GRADE_WORDS})\.?)$", re.I)
AREA_MAX = 130  # the longest area printed is 73 characters; room for a misprint


def _table_start(raw_lines: list[str]) -> int | None:
    """The line of the judgement table's heading ("Judgement  Grade")."""
    for i, line in enumerate(raw_lines[:120]):
        if re.match(r"^Judgements?(\s+areas?)?\s+Grades?$", squash(line), re.I):
            return i
        # pdftotext's default mode puts the two headings on lines of their own.
        following = squash(raw_lines[i + 1]).lower() if i + 1 < len(raw_lines) else ""
        heading = squash(line).lower()
        if heading in ("judgement", "judgements") and following in ("grade", "grades"):
            return i + 1
    return None


def _grade_of(words: str, area: str) -> str:
    """The grade a row's grade cells spell, or ReportError: never a guess."""
    text = squash(words).rstrip(".").lower()
    # "Requires improvement" alone is the 2018-19 tables' short form.
    if text.startswith(("requires improvement", "require improvement")) and (
        REQUIRES_IMPROVEMENT.startswith(text.replace("require ", "requires "))
    ):
        return GRADES[REQUIRES_IMPROVEMENT]
    if text in GRADES:
        return GRADES[text]
    if not text:
        raise ReportError(f"The judgement table gives no grade for “{area}”.")
    raise ReportError(f"The judgement table’s grade for “{area}” reads “{words}”: not a grade.")


class _Row:
    def __init__(self, area: str, grade: str = "") -> None:
        self.area = area
        self.grade = grade

    def takes(self, words: str) -> bool:
        """Whether grade words continue this row's grade (else they open the next row's)."""
        if not self.grade:
            return not re.match(r"^(to be good|be good|to be)$", words, re.I)
        joined = f"{self.grade} {words}".lower().replace("require ", "requires ")
        return REQUIRES_IMPROVEMENT.startswith(joined) and self.grade.lower() != joined


def judgement_table(raw_lines: list[str]) -> tuple[list[tuple[str, str]], int]:
    """The judgement table's rows (area as printed, grade) and the line after it.

    Each cell is an area's opening words (AREA_START), the wrapped rest of an
    area (lower case), or grade words. Grade words belong to the open row until
    its grade is complete; after that they open the next row's grade (layout
    mode centres a two-line grade on its row, so half can come before the area).
    """
    start = _table_start(raw_lines)
    if start is None:
        return [], 0
    rows: list[_Row] = []
    pending = ""  # grade words seen before their row's area
    end = len(raw_lines)

    def add_grade(words: str) -> None:
        nonlocal pending
        if rows and not pending and rows[-1].takes(words):
            rows[-1].grade = f"{rows[-1].grade} {words}".strip()
        else:
            pending = f"{pending} {words}".strip()

    for index in range(start + 1, len(raw_lines)):
        stop = False
        for cell in cells(raw_lines[index]):
            if GRADE_CELL.match(cell):
                add_grade(cell)
                continue
            text, tail = cell, ""
            m = AREA_AND_GRADE.match(cell)
            if m and (AREA_START.match(cell) or starts_lower(cell)):
                text, tail = m.group(1), m.group(2)
            if AREA_START.match(text):
                if rows and rows[-1].area.lower().startswith("overall effectiveness"):
                    stop = True  # overall effectiveness is the table's last row
                    break
                rows.append(_Row(text, pending))
                pending = ""
            elif rows and starts_lower(text) and len(rows[-1].area) + len(text) < AREA_MAX:
                rows[-1].area = f"{rows[-1].area} {text}"
            else:
                stop = True
                break
            if tail:
                add_grade(tail)
        if stop:
            end = index
            break
    if pending:
        raise ReportError(f"The judgement table has a grade (“{pending}”) without an area.")
    return [(row.area, _grade_of(row.grade, row.area)) for row in rows], end


def _section_heading(lines: list[str], i: int) -> tuple[str, str, int] | None:
    """A graded section heading at line i, possibly wrapped: (title, grade, lines used)."""
    if not SECTION_START.match(lines[i]):
        return None
    text = lines[i]
    for used in range(1, 4):
        m = SECTION_HEADING.match(text)
        if m:
            # "… care leavers are: good": the verb is not part of the title.
            title, grade = re.sub(r"\s+(?:is|are)$", "", squash(m.group(1))), m.group(2)
            # "… protection require improvement to be" / "good": the grade is RI.
            split = re.search(r"\s+requires? improvement(?: to(?: be)?)?$", title, re.I)
            if split:
                title, grade = title[: split.start()], REQUIRES_IMPROVEMENT
            return title, canonical_grade(grade) or "", used
        if i + used >= len(lines):
            break
        following = lines[i + used]
        if not (starts_lower(following) or text.endswith(":") or full_grade(following)):
            break
        text = join(text, following)
    return None


def _paragraphs(
    lines: list[str], begin: int, skip: range
) -> tuple[list[ParsedParagraph], list[ParsedSection]]:
    """Numbered paragraphs (running 1..N) and the graded sections they fall under.

    One pass, each line looked at once. A number is taken only where it is the
    next one expected; right after a section heading, the one after that too
    (Ofsted's own slip: Windsor and Maidenhead 2020 goes from 14 to 16), so
    that the checks can say which number is missing.
    """
    paragraphs: list[ParsedParagraph] = []
    sections: list[ParsedSection] = []
    current: ParsedParagraph | None = None
    pieces: list[str] = []  # the current paragraph's lines, joined once it closes
    after_heading = False

    def close() -> None:
        nonlocal current
        if current is not None:
            current.text = join_all(pieces)
            paragraphs.append(current)
            if sections:
                section = sections[-1]
                section.first_paragraph = section.first_paragraph or current.number
                section.last_paragraph = current.number
        current = None

    i = begin
    while i < len(lines):
        if i in skip:
            i += 1
            continue
        line = lines[i]
        last = current.number if current else (paragraphs[-1].number if paragraphs else 0)
        wanted = (last + 1, last + 2) if after_heading and last else (last + 1,)
        heading = _section_heading(lines, i)
        if heading:
            title, grade, used = heading
            close()
            sections.append(ParsedSection(title, grade))
            after_heading = True
            i += used
            continue
        m = PARAGRAPH.match(line) or PARAGRAPH_NO_STOP.match(line)
        alone = NUMBER_ALONE.match(line)
        section = sections[-1].title if sections else ""
        if m and int(m.group(1)) in wanted:
            close()
            current = ParsedParagraph(int(m.group(1)), section, "")
            pieces = [m.group(2)]
        elif (
            alone
            and int(alone.group(1)) in wanted
            and i + 1 < len(lines)
            # "12." is a number; a bare "12" could be a stray marker, unless a sentence follows.
            and (line.endswith(".") or not starts_lower(lines[i + 1]))
        ):
            close()
            current = ParsedParagraph(int(alone.group(1)), section, "")
            pieces = []
        elif RECOMMENDATIONS_HEADING.match(line):
            close()
        elif current is not None and not DIGITS.match(line):
            pieces.append(line)
        after_heading = False
        i += 1
    close()
    return paragraphs, sections


KINDS = ("standard", "short")


def parse(lines: list[str], raw_lines: list[str], kind: str) -> ParsedReport:
    """An ILACS report (standard or short inspection)."""
    report, missing, skip = front_matter(lines, raw_lines, kind)
    report.judgements, table_end = judgement_table(raw_lines)
    if not report.judgements:
        missing.append("the judgement table (“Judgement … Grade”)")
    # Graded sections follow the list of what needs to improve; the summary above
    # it may say "The experiences and progress of care leavers are good" in passing.
    report.paragraphs, report.sections = _paragraphs(lines, max(table_end, skip.stop), skip)
    if not report.paragraphs:
        missing.append("the numbered paragraphs")
    outstanding = bool(report.judgements) and all(
        grade == "Outstanding" for _, grade in report.judgements
    )
    if not report.recommendations and outstanding:
        # An outstanding report may list nothing to improve (Thurrock 2024).
        report.improvements_listed = False
        report.notes.append("The report lists nothing to improve: it is imported with none.")
    elif not report.recommendations:
        missing.append("the recommendations (the bullets under “What needs to improve”)")
    refuse_if_missing(missing)
    return report
