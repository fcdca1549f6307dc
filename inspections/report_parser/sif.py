"""Single inspection framework reports (2013-2018) and older ones.

SIF reports: "Inspection of services for children in need of help and
protection, children looked after and care leavers", often "and Review of the
effectiveness of the Local Safeguarding Children Board", and re-inspections
("Re-inspection of services …"). What they print, and how it is read:

- the council's name above the title ("Metropolitan Borough of Barnsley
  Council"), mapped to the short name through the register in ``older``;
- "Inspection date(s): 4 November 2014 – 26 November 2014" (en dash, "to",
  "9–24 November 2017", "18 Feb 2014");
- the overall line ("Children's services in X require improvement to be good";
  older: "The overall judgement is that children's services are good"), then a
  numbered table (1., 2., 2.1, 2.2, 3.) whose rows wrap and whose grades split
  ("Requires" / "Improvement") or carry a footnote or page number
  ("Requires improvement2"); "Require improvement" is a misprint of the grade;
- the LSCB's grade ("The Local Safeguarding Children Board is good") when the
  report includes its review;
- numbered paragraphs 1..N for the local authority (the LSCB's, when its review
  continues the numbering, are not the authority's), the recommendations among
  them under "Recommendations" or "What does the local authority need to
  improve?" ("Priority and immediate action", "Areas for improvement", topic
  sub-headings between items; sub-bullets joined to their item);
- "Lead inspector: John Mitchell, Senior HMI" in the team list.

Pre-2013 reports are read by ``older.parse_old``. A web page saved in place of
a report ("Report not found") and a Local Safeguarding Children Board review on
its own are refused with a message saying so. What is read is checked by
``validate``, with the rules registered in ``sif_checks``, before it is returned: better no
import than a wrong grade.
"""

import re

from .model import ParsedReport, ReportError
from .older import (
    PARAGRAPH,
    first_match,
    inspection_dates,
    inspector_name,
    is_old,
    numbered_paragraphs,
    parse_old,
    published,
    register_name,
)
from .sif_checks import GRADE, LSCB, OVERALL, SIF_AREAS
from .sif_recommendations import (
    LSCB_SECTION,
    REC_END,
    REC_GROUP,
    SENTENCE_END,
    rec_heading,
    recommendations,
)
from .text import DIGITS, join, squash, starts_lower

SIF_TITLE = re.compile(
    r"^(?P<re>Re-? ?inspection|Inspection) of services for children in need of help", re.I
)
LSCB_TITLE = re.compile(r"^Review of the effectiveness of the Local Safeguarding Children", re.I)
HTML = re.compile(r"^\s*<(?:!DOCTYPE\s+html|html)\b", re.I)

GRADE_IN_TEXT = re.compile(rf"(?<![A-Za-z])({GRADE}|not judged)(?![a-z])", re.I)
DANGLING_RI = re.compile(r"(?<![A-Za-z])requires?(?: improvement(?: to)?)?\s*$", re.I)
RI_REST = re.compile(r"(?<![A-Za-z])(?:improvement(?: to be good)?|(?:to )?be good)(?![a-z])", re.I)
ROW_START = re.compile(r"(?<!\S)(\d\.\d\.?|\d\.)\s+(?=[A-Z])")

# The judgement table: its rows' numbers (the areas, in order, are in ``sif_checks``).
ROW_NUMBERS = ("1", "2", "2.1", "2.2", "3")
OVERALL_LINE = re.compile(
    r"(?:The overall judgement is(?: that)?(?: children['’]s services?(?: in [^.]{1,60}?)?)?"
    r"|Children['’]s services(?: in [^.]{1,60}?)?)"
    rf"\s+(?:are\s+|is\s+|were\s+)?(?P<grade>{GRADE})(?![a-z])",
    re.I,
)
LSCB_LINE = re.compile(
    r"^The (?:judgement for the )?(?:effectiveness of the )?"
    r"(?:Local Safeguarding Children Board|LSCB)"
    rf"(?: \(LSCB\))?(?: in [A-Z][^.]{{0,40}}?)? (?:is |are )?(?P<grade>{GRADE})"
    # The statement ends there: not "The LSCB is good at …".
    r"(?:\.|\s+because:?|\d{1,2})?\s*$",
    re.I,
)

# The authority's sections, for each paragraph's section: a heading as printed
# (case kept: "recommendations which …" mid-sentence is no heading) and its name.
_GRADED = r"^(?:The graded judgement (?:for|about) )?(?:the )?"
SECTION_TITLES = (
    (r"^Summary of (?:key )?findings$", "Summary of findings"),
    (r"^(?:Recommendations|What does the (?i:local authority) need to improve\??)"
     r"\d{0,2}$", "Recommendations"),
    (r"^The (?i:local authority)(?:['’]s| has the following) strengths", "Strengths"),
    (r"^The experiences and progress of (?:children )?(?:who|in need)", SIF_AREAS[0]),
    (r"^The experiences and progress of (?:children )?looked after", SIF_AREAS[1]),
    (_GRADED + r"(?i:adoption performance)", SIF_AREAS[2]),
    (_GRADED + r"(?i:experiences? and progress of care leavers)", SIF_AREAS[3]),
    (r"^Leadership, management and governance", SIF_AREAS[4]),
)  # fmt: skip


def is_sif(lines: list[str]) -> bool:
    """Whether the cleaned lines are a SIF or pre-2013 report (or a web page
    saved in place of one, which ``parse`` refuses)."""
    head = lines[:12]
    if head and HTML.match(head[0]):
        return True
    return any(SIF_TITLE.match(line) or LSCB_TITLE.match(line) for line in head) or is_old(lines)


def parse(lines: list[str], raw_lines: list[str]) -> ParsedReport:
    """A SIF report (type "sif") or a pre-2013 one (type "other")."""
    if lines and HTML.match(lines[0]):
        page = re.search(r"<title>\s*(.*?)\s*</title>", " ".join(lines[:200]), re.I | re.S)
        named = f" (“{squash(page.group(1))}”)" if page else ""
        raise ReportError(
            f"The file is a web page{named}, not an Ofsted report: download the report’s PDF "
            "from the Ofsted reports site and upload that."
        )
    if is_old(lines):
        return parse_old(lines)
    lines = _number_with_its_text(lines)
    title = first_match(lines, SIF_TITLE, 0, 12)
    if title < 0:
        raise ReportError(
            "This is a review of a Local Safeguarding Children Board on its own, not an "
            "inspection of the local authority’s children’s services: it has no judgements "
            "on the authority to import."
        )
    report = ParsedReport(
        authority=_authority(lines, title),
        inspection_kind="sif",
        start_date=None,
        end_date=None,
    )
    dates = inspection_dates(lines)
    if dates is None:
        raise ReportError("Could not find the inspection dates (“Inspection date: …”).")
    report.start_date, report.end_date = dates
    report.published_date = published(lines)
    report.lead_inspector = _lead_inspector(lines)
    with_lscb = any(LSCB_TITLE.match(line) for line in lines[title : title + 8])

    overall, rows, table_end = _judgements(lines, title)
    report.judgements = [(OVERALL, overall), *rows]
    if with_lscb:
        report.judgements.append((LSCB, _lscb_grade(lines, table_end)))

    # Past the table of contents, which also names the LSCB's section. The first
    # reports (early 2014) number no paragraph at all: everything is bulleted.
    first = first_match(lines, re.compile(r"^1\.\s*[A-Z‘“'(]"), table_end)
    if first < 0:
        first = rec_heading(lines, table_end, len(lines))
        if first < 0 or first_match(lines, PARAGRAPH, table_end) >= 0:
            raise ReportError("Could not find the numbered paragraphs.")
    end = len(lines)
    if with_lscb:
        lscb = first_match(lines, LSCB_SECTION, first)
        end = lscb if lscb >= 0 else end
    sections = _section_starts(lines, max(table_end, first - 3), end)

    def section_of(i: int) -> str:
        return next((t for start, t in reversed(sections) if start <= i), "")

    def heading(i: int) -> bool:
        line = lines[i]
        return (
            len(line) < 100
            and not SENTENCE_END.search(line)
            and bool(
                REC_END.match(line)
                or REC_GROUP.match(line)
                or any(re.match(pattern, line) for pattern, _ in SECTION_TITLES)
            )
        )

    report.paragraphs = numbered_paragraphs(lines, table_end, end, section_of, heading)
    _refuse_a_broken_run(lines, table_end, end, len(report.paragraphs))
    report.recommendations = recommendations(lines, table_end, first, end)
    return report


def _number_with_its_text(lines: list[str]) -> list[str]:
    """pdftotext's default mode prints "12." on a line of its own: join it to its text."""
    joined: list[str] = []
    for line in lines:
        if joined and re.fullmatch(r"\d{1,3}\.", joined[-1]) and re.match(r"[A-Z‘“'(]", line):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def _refuse_a_broken_run(lines: list[str], begin: int, end: int, count: int) -> None:
    """Paragraphs are taken only in order (1, 2, 3 …): if one is missing or misread,
    the run stops early. A number just past where it stopped, found further on,
    shows it: better refuse than import a report cut short."""
    after = re.compile(rf"^({count + 1}|{count + 2}|{count + 3})\.\s*[A-Z‘“'(]")
    for i in range(begin, end):
        m = after.match(lines[i])
        if m:
            raise ReportError(
                f"The numbered paragraphs stop at {count}, but paragraph {m.group(1)} comes "
                "later: a paragraph number is missing or could not be read."
            )


def _authority(lines: list[str], title: int) -> str:
    name = " ".join(line for line in lines[:title] if not DIGITS.match(line))
    found = register_name(name)
    if found is None:
        raise ReportError(
            f"The local authority “{name}” is not one the register knows; give it with --authority."
            if name
            else "The local authority’s name could not be found; give it with --authority."
        )
    return found


def _lead_inspector(lines: list[str]) -> str | None:
    for line in reversed(lines):  # the team list is near the end
        m = re.match(r"^Lead inspector(?: on site)?\s*:\s*(.+)$", line, re.I)
        if m:
            return inspector_name(m.group(1))
    return None


def grade_label(text: str) -> str:
    """A grade as printed, in canonical form ("Require improvement" is a misprint)."""
    t = squash(text).lower()
    if "improvement" in t:
        return "Requires improvement to be good"
    return t.capitalize()


def _judgements(lines: list[str], title: int) -> tuple[str, list[tuple[str, str]], int]:
    """The overall grade, the table's rows and the line after the table."""
    head_end = min(len(lines), title + 60)
    for i in range(title, head_end):
        if re.match(r"^(Contents|Executive summary|Summary of findings)\b", lines[i], re.I):
            head_end = i
            break
    head = " ".join(line for line in lines[title:head_end] if not DIGITS.match(line))
    m = OVERALL_LINE.search(head)
    if not m:
        raise ReportError(
            "Could not find the overall judgement (“Children’s services in … are …” or “The "
            "overall judgement is …”)."
        )
    overall = grade_label(m.group("grade"))
    table = head[m.end() :]
    # Rows by their numbers (1., 2., 2.1, 2.2, 3.; one report prints "1." for 3.):
    # which row is which is checked on the areas' words by ``check``.
    starts = [(row.start(), row.end()) for row in ROW_START.finditer(table)][: len(ROW_NUMBERS)]
    if len(starts) < len(ROW_NUMBERS):
        raise ReportError(
            "The judgement table does not have its five numbered rows (1., 2., 2.1, 2.2, 3.) "
            "after the overall judgement."
        )
    rows = []
    before = table[: starts[0][0]]  # what precedes each row: the previous row, as read
    for n, (_, text_start) in enumerate(starts):
        text_end = starts[n + 1][0] if n + 1 < len(starts) else len(table)
        segment = table[text_start:text_end]
        rest = RI_REST.search(segment)
        dangling = DANGLING_RI.search(before)
        if dangling and n:  # not the previous row's own grade
            own = GRADE_IN_TEXT.search(before)
            dangling = dangling if own and own.end() <= dangling.start() else None
        if dangling and rest and not GRADE_IN_TEXT.search(segment, 0, rest.start()):
            # Layout text: "Requires (improvement to)" above the row, the rest below it.
            segment = segment[: rest.start()] + "Requires improvement" + segment[rest.end() :]
        before = segment
        g = GRADE_IN_TEXT.search(segment)
        if not g:
            raise ReportError(f"The judgement table gives no grade for row {ROW_NUMBERS[n]}.")
        area = segment[: g.start()].strip()
        after = segment[g.end() :].strip()
        after = re.sub(r"^\d{1,2}\b\s*", "", after)  # a footnote or page number
        if after and starts_lower(after):
            # Layout text may put the grade before the area's wrapped line.
            area = join(area, re.split(r"\s{2,}|(?<=[a-z])\s(?=[A-Z])", after)[0])
        if g.group(1).lower() != "not judged":  # e.g. no child was adopted: no grade to keep
            rows.append((squash(area), grade_label(g.group(1))))
    row_lines = [i for i in range(title, head_end) if ROW_START.match(lines[i])]
    enough = len(row_lines) >= len(ROW_NUMBERS)
    table_line = row_lines[len(ROW_NUMBERS) - 1] + 1 if enough else title
    return overall, rows, table_line


def _lscb_grade(lines: list[str], start: int) -> str:
    for i in range(len(lines)):
        m = LSCB_LINE.match(lines[i])
        if not m and i + 1 < len(lines):  # "… (LSCB) is" / "good."
            m = LSCB_LINE.match(join(lines[i], lines[i + 1]))
        if m:
            return grade_label(m.group("grade"))
    raise ReportError(
        "The report includes the review of the Local Safeguarding Children Board, but its "
        "grade (“The Local Safeguarding Children Board is …”) could not be found."
    )


def _section_starts(lines: list[str], begin: int, end: int) -> list[tuple[int, str]]:
    starts = []
    for i in range(begin, end):
        # A heading, not a paragraph or an entry in the contents ("… 12").
        if PARAGRAPH.match(lines[i]) or re.search(r"\s\d{1,3}$", lines[i]):
            continue
        texts = [lines[i], join(lines[i], lines[i + 1]) if i + 1 < len(lines) else lines[i]]
        name = next(
            (name for pattern, name in SECTION_TITLES for t in texts if re.match(pattern, t)),
            None,
        )
        if name:
            starts.append((i, name))
    return starts
