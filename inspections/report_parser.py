"""Read a published Ofsted report (PDF or text) into plain data.

This module knows the format, not any one file. It handles:

- PDFs as Ofsted publishes them (text from pypdfium2), and text from
  ``pdftotext`` in layout, raw or plain mode, or copied from the web page;
- page furniture: form feeds, page numbers, running headers and footers,
  the Ofsted address block in letters, and footnotes at the foot of a page,
  even when they fall in the middle of a paragraph;
- judgement tables whose rows wrap, whose grade sits on a row's middle line
  (layout mode) or is split over two lines ("Requires improvement" /
  "to be good");
- "What needs to improve" headings and their variants, bullet glyphs,
  intro sentences before the bullets, line-end hyphens;
- numbered paragraphs, also when the number stands on its own line, and the
  graded section each falls under;
- ILACS reports (2018-22 areas, 2023+ areas, and from April 2026 without
  overall effectiveness) and letters for focused visits, monitoring visits
  and joint targeted area inspections (JTAI).

It does not touch the database: ``inspections.importer`` writes what this
module returns. Errors are ``ReportError`` with a message for the person who
uploaded the file.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pypdfium2 as pdfium


class ReportError(Exception):
    """The file cannot be read as an Ofsted report; the message says why."""


# --- Grades and judgement areas -------------------------------------------

GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement to be good": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
REQUIRES_IMPROVEMENT = "requires improvement to be good"
GRADE_PATTERN = r"outstanding|good|requires improvement to be good|inadequate"

# Canonical grade labels to inspections.models.Grade values.
GRADE_CODES = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement to be good": "requires_improvement",
    "Inadequate": "inadequate",
}


def grade_code(label: str) -> str:
    """The stored value (inspections.models.Grade) for a grade as printed."""
    return GRADE_CODES[GRADES[_squash(label).rstrip(".").lower()]]


def match_judgement_area(text: str) -> str | None:
    """The stored area (inspections.models.JudgementArea) for an area as printed.

    Matches on the words that tell the areas apart, so the 2018-22 combined
    area, the 2023+ areas and printing slips ("children care leavers") all map.
    """
    t = _squash(text).lower()
    if t.startswith("overall effectiveness"):
        return "overall"
    if "leaders" in t and "children and families" in t:
        return "leadership"
    if "help and protection" in t:
        return "help_and_protection"
    if "children in care and care leavers" in t:
        return "in_care_and_care_leavers"
    if "care leavers" in t:
        return "care_leavers"
    if "children in care" in t:
        return "in_care"
    return None


# --- Results ---------------------------------------------------------------


@dataclass
class ParsedParagraph:
    number: int
    section: str
    text: str


@dataclass
class ParsedSection:
    title: str
    grade: str
    first_paragraph: int | None = None
    last_paragraph: int | None = None


@dataclass
class ParsedReport:
    authority: str
    inspection_kind: str  # standard, short, focused_visit, monitoring_visit, jtai
    start_date: date | None
    end_date: date | None
    published_date: date | None = None
    lead_inspector: str | None = None
    judgements: list[tuple[str, str]] = field(default_factory=list)  # (area as printed, grade)
    recommendations: list[str] = field(default_factory=list)
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    sections: list[ParsedSection] = field(default_factory=list)

    @property
    def type(self) -> str:
        """The report type as the reports' README names it: ILACS for both kinds."""
        return "ilacs" if self.inspection_kind in ("standard", "short") else self.inspection_kind

    def to_expected_dict(self) -> dict:
        """The extraction in the shape of the hand-checked JSON files."""
        return {
            "authority": self.authority,
            "type": self.type,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "lead_inspector": self.lead_inspector,
            "judgements": dict(self.judgements),
            "recommendations": self.recommendations,
            "paragraph_count": len(self.paragraphs),
            "sections": [
                {
                    "title": s.title,
                    "grade": s.grade,
                    "first_paragraph": s.first_paragraph,
                    "last_paragraph": s.last_paragraph,
                }
                for s in self.sections
            ],
        }


# --- Getting the text ------------------------------------------------------

# pypdfium2 marks a hyphen at the end of a line with these and joins the lines.
PDFIUM_HYPHENS = str.maketrans({"\x02": "-", "\ufffe": "-"})


def extract_text(data: bytes) -> str:
    """The text of a PDF (pages separated by form feeds) or of a text file."""
    if not data.strip():
        raise ReportError("The file is empty.")
    if data.lstrip()[:5] == b"%PDF-":
        return _pdf_text(data)
    if b"\x00" in data:
        raise ReportError("The file is neither a PDF nor a text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportError(
            "The file is not a PDF, and as text it is not UTF-8: save it as UTF-8 text."
        ) from None


def _pdf_text(data: bytes) -> str:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReportError(
                "The PDF is encrypted (password-protected). Upload the report as Ofsted "
                "publishes it, without a password."
            ) from None
        raise ReportError(f"The PDF cannot be read; it may be damaged ({exc}).") from None
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    finally:
        pdf.close()
    text = "\f".join(pages).replace("\r\n", "\n").replace("\r", "\n").translate(PDFIUM_HYPHENS)
    if not text.strip():
        raise ReportError(
            "The PDF has no text in it: it may be a scanned image. Upload the PDF from "
            "the Ofsted reports site, or its text."
        )
    return text


# --- Line helpers -----------------------------------------------------------

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_PART = rf"{DAY}(?:\s+(?:{MONTHS}))?(?:\s+\d{{4}})?"
DATE_SPAN = rf"{DATE_PART}(?:\s*(?:,|and|to|until|–|-)\s*{DATE_PART})*"
ONE_DATE = re.compile(rf"^{DAY}\s+(?:{MONTHS})\s+\d{{4}}$")

GLYPHS = "◼▪■□•●○◆◦‣∙·➢\uf0a7\uf0b7\uf0d8\uf0fc\uf076"
BULLET = re.compile(rf"^(?:[{GLYPHS}]\s*|[-–*]\s+)(?=\S)")
BULLET_ALONE = re.compile(rf"^[{GLYPHS}]$")  # some PDFs put the glyph on a line of its own
PARAGRAPH = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
NUMBER_ALONE = re.compile(r"^(\d{1,3})\.?$")
DIGITS = re.compile(r"^\d{1,3}$")
PAGE_LABEL = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.I)
RECOMMENDATIONS_HEADING = re.compile(r"^What needs to improve\b", re.I)
SECTION_HEADING = re.compile(rf"^([A-Z‘'][^:]{{8,200}}?)\s*:\s*({GRADE_PATTERN})\.?$", re.I)
SECTION_START = re.compile(r"^(The experiences and progress of|The impact of leaders)\b", re.I)
AREA_START = re.compile(
    r"^(The impact of leaders|The experiences and progress|Overall effectiveness)\b", re.I
)
# Headings that end a bulleted list in letters and reports.
LIST_END = re.compile(
    r"^(Findings|Main findings|Headline findings|Summary|Context|Next steps|"
    r"Areas for priority action|Areas of strength|Yours sincerely|What is working well)\b",
    re.I,
)
# The closing boilerplate: nothing after it is part of the report's body.
BODY_END = re.compile(
    r"^(The Office for Standards in Education|If you would like a copy of this document|"
    r"© Crown copyright|You may reuse this information|Interested in our work\?|"
    r"This (report|publication) is available at)",
    re.I,
)
# Ofsted's address block, printed on each letter's first page and each report's last.
ADDRESS_CELL = re.compile(
    r"^(Ofsted|Piccadilly Gate|Store Street|Manchester|M1 2WD|Manchester M1 2WD|"
    r"Agora|6 Cumberland Place|Nottingham|NG1 6HJ|Nottingham NG1 6HJ|"
    r"Aviation House|125 Kingsway|London|WC2B 6SE|London WC2B 6SE|"
    r"T:?\s*0300 123 \d{4}|Textphone:?\s*[\d ]+|(E:\s*)?enquiries@ofsted\.gov\.uk|"
    r"(W:\s*)?www\.gov\.uk/ofsted|www\.ofsted\.gov\.uk|Direct (T|F|email)\b.*)$",
    re.I,
)
MAJESTYS_INSPECTOR = re.compile(r",?\s*(Her|His) Majesty['’]s Inspectors?\.?\s*$|,?\s+HMI$", re.I)
COUNCIL_SUFFIX = re.compile(
    r"\s+(?:Metropolitan\s+)?(?:Borough\s+|City\s+|County\s+|District\s+)?Council$", re.I
)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _cells(raw: str) -> list[str]:
    """A layout-mode line split into its columns (two or more spaces, or a tab)."""
    return [_squash(c) for c in re.split(r"\t|\s{2,}", raw.strip()) if c.strip()]


def _join(text: str, more: str) -> str:
    """Join a wrapped line: one space, or none after a line-end hyphen."""
    if not text:
        return more
    if re.search(r"[A-Za-z]-$", text):
        return text + more
    return f"{text} {more}"


def _starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in "(,;")


# --- Page furniture -------------------------------------------------------


def _edge_key(line: str) -> str:
    """A line as a running header or footer, with any page number taken off."""
    key = _squash(line)
    key = re.sub(r"\s*\bpage\s+\d{1,3}(\s+of\s+\d{1,3})?$", "", key, flags=re.I)
    return re.sub(r"\s+\d{1,3}$", "", key)


def _is_address(raw: str) -> bool:
    cells = _cells(raw)
    return bool(cells) and all(ADDRESS_CELL.match(c) for c in cells)


def _clean_lines(text: str) -> list[str]:
    """The report's lines, page furniture removed, blank lines dropped.

    Lines keep their inner spacing (layout-mode columns); trailing space goes.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = [page.split("\n") for page in text.split("\f")]
    if pages and pages[0] and pages[0][0].startswith("# source:"):
        pages[0] = pages[0][1:]
    pages = [[line.rstrip() for line in page if line.strip()] for page in pages]
    pages = [page for page in pages if page]

    # Running headers and footers: the same line at the edge of three or more pages.
    # The first page has none, and its title may read like the later pages' header.
    counts: Counter[str] = Counter()
    for page in pages[1:]:
        counts.update({_edge_key(line) for line in page[:3] + page[-3:]})
    running = {key for key, n in counts.items() if n >= 3 and len(key) >= 12}

    def header(line: str, number: int) -> bool:
        return number > 0 and _edge_key(line) in running

    def furniture(line: str, number: int) -> bool:
        return bool(PAGE_LABEL.match(line.strip())) or header(line, number)

    lines: list[str] = []
    footnote = 1
    for number, page in enumerate(pages):
        while page and furniture(page[0], number):
            page = page[1:]
        while page and furniture(page[-1], number):
            page = page[:-1]
        page, footnote = _drop_footnotes(page, footnote)
        # Mid-page, a number on its own line may be a paragraph's number: the parsers decide.
        lines += [line for line in page if not (_is_address(line) or header(line, number))]
    return lines


def _drop_footnotes(page: list[str], expected: int) -> tuple[list[str], int]:
    """Cut the footnotes off the foot of a page.

    A footnote starts with its number, alone on its line or before its text,
    and runs to the page's end; the lines after it hold no bullet, numbered
    paragraph or heading (which tells it from a marker such as the "1" after
    "What needs to improve?" that some PDFs put on a line of its own).
    """
    for i in range(1, len(page)):
        m = re.match(r"^\s*(\d{1,2})(?:\s+([A-Z‘“'\"(].*))?$", page[i])
        if not m or not expected <= int(m.group(1)) <= expected + 2:
            continue
        rest = [_squash(line) for line in page[i + 1 :]]
        if m.group(2) is None and not rest:
            continue
        if len(rest) > 15 or any(
            BULLET.match(r) or PARAGRAPH.match(r) or SECTION_START.match(r) for r in rest
        ):
            continue
        return page[:i], int(m.group(1)) + 1
    return page, expected


# --- The parts of a report ---------------------------------------------------


def _kind(lines: list[str]) -> str:
    """standard, short, focused_visit, monitoring_visit or jtai, from the title."""
    for line in lines[:80]:
        if re.match(r"^Joint targeted area inspection\b", line, re.I):
            return "jtai"
        if re.match(r"^Focused visit\b", line, re.I):
            return "focused_visit"
        if re.match(r"^Monitoring visit\b", line, re.I):
            return "monitoring_visit"
        if re.match(r"^(Short inspection of|Inspection of .*\bchildren|Inspection dates?:)", line):
            # Not "the last short inspection": only this report's own words.
            head = " ".join(lines[:80])
            own_words = r"^Short inspection\b|\bthis (?:was|is) a short inspection\b"
            short = re.search(own_words, head, re.I)
            return "short" if short else "standard"
    raise ReportError(
        "This does not look like an Ofsted report on children’s services: no title such as "
        "“Inspection of … local authority children’s services”, “Focused visit to …” or "
        "“Monitoring visit to …” was found."
    )


def _authority(lines: list[str]) -> str:
    head = lines[:80]
    joined = " ".join(head)
    name = r"([A-Z][^.:;]{0,60}?)"  # a name starts with a capital: not "inspection of local…"
    patterns = [
        rf"(?i:Inspection of) {name} (?i:local authority children['’]s services)",
        rf"(?i:(?:Focused|Monitoring) visit (?:to|of)) {name}(?: local authority)?"
        r" (?i:children['’]s services)",
    ]
    for pattern in patterns:
        m = re.search(pattern, joined)
        if m:
            return _short_name(m.group(1))
    for i, line in enumerate(head):
        # JTAI: "Joint targeted area inspection of the multi-agency response to … in X".
        if re.match(r"^Joint targeted area inspection\b", line, re.I):
            title = line
            for following in head[i + 1 : i + 3]:
                if not _starts_lower(following):
                    break
                title = _join(title, following)
            m = re.search(rf" in {name}$", title) or re.search(
                rf"^Joint targeted area inspection of {name}$", title, re.I
            )
            if m:
                return _short_name(m.group(1))
        # Older reports: the council's name, then "Inspection of children's social care services".
        if re.match(r"^Inspection of children['’]s (social care )?services", line) and i:
            return _short_name(head[i - 1])
    raise ReportError("The local authority’s name could not be found; give it with --authority.")


def _short_name(name: str) -> str:
    """'Middlesbrough Borough Council' -> 'Middlesbrough', as current Ofsted titles put it."""
    name = _squash(name)
    short = COUNCIL_SUFFIX.sub("", name)
    if short != name:
        short = re.sub(r"^(City of|Council of the)\s+", "", short)
    return re.sub(r"^London Borough of\s+", "", short)


def _dates_in(span: str) -> list[date]:
    """Every date in '13 to 24 March 2023', '31 July and 1 August 2024' and the like."""
    found: list[list] = []  # [day, month, year]
    tokens = re.findall(rf"(\d{{4}})|({MONTHS})|(\d{{1,2}})(?:st|nd|rd|th)?", span)
    for year, month, day in tokens:
        if day:
            found.append([int(day), None, None])
        elif month:
            number = MONTHS.split("|").index(month) + 1
            for item in found:
                item[1] = item[1] or number
        else:
            for item in found:
                item[2] = item[2] or int(year)
    try:
        return [date(y, m, d) for d, m, y in found if m and y]
    except ValueError as exc:
        raise ReportError(f"The inspection dates “{span}” are not real dates ({exc}).") from None


def _visit_dates(lines: list[str]) -> tuple[date | None, date | None]:
    for i, line in enumerate(lines[:80]):
        m = re.match(r"^Inspection dates?:\s*(.*)$", line, re.I)
        if m:
            span = m.group(1)
            if not re.search(r"\d{4}$", span) and i + 1 < len(lines):
                span += " " + lines[i + 1]
            dates = _dates_in(span)
            if dates:
                return min(dates), max(dates)
    joined = " ".join(lines[:120])
    m = re.search(
        rf"(?:visit|inspection)\b[^.]*?\b(?:on|between|from)\s+({DATE_SPAN})", joined, re.I
    )
    if m:
        dates = _dates_in(m.group(1))
        if dates:
            return min(dates), max(dates)
    return None, None


def _published_date(lines: list[str], kind: str) -> date | None:
    """Letters open with the date they were sent, which is when they were published."""
    if kind in ("standard", "short"):
        return None
    for line in lines[:15]:
        if ONE_DATE.match(line):
            return _dates_in(line)[0]
    return None


def _lead_inspector(lines: list[str]) -> str | None:
    for i, line in enumerate(lines):
        m = re.match(r"^Lead inspector\s*:\s*(.*)$", line)
        if m:
            name = MAJESTYS_INSPECTOR.sub("", m.group(1)).strip(" ,")
            if not name and i + 1 < len(lines):
                name = MAJESTYS_INSPECTOR.sub("", lines[i + 1]).strip(" ,")
            return name or None
    for i, line in enumerate(lines):
        if re.match(r"^Yours (sincerely|faithfully)", line, re.I):
            for after in lines[i + 1 : i + 3]:
                name = MAJESTYS_INSPECTOR.sub("", after).strip(" ,")
                if name and not re.search(r"inspector|ofsted", name, re.I):
                    return name
    return None


def _full_grade(text: str) -> str | None:
    return GRADES.get(_squash(text).rstrip(".").lower())


def _judgements(raw_lines: list[str]) -> tuple[list[tuple[str, str]], int]:
    """The judgement table's rows (area as printed, grade) and the line after it."""
    start = None
    for i, line in enumerate(raw_lines[:120]):
        if re.match(r"^Judgements?(\s+areas?)?\s+Grades?$", _squash(line), re.I):
            start = i
            break
        # pdftotext's default mode puts the two headings on lines of their own.
        following = _squash(raw_lines[i + 1]).lower() if i + 1 < len(raw_lines) else ""
        heading = _squash(line).lower()
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
        for cell in _cells(raw_lines[index]):
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
            if full := _full_grade(text):
                grade = full
                continue
            if text.lower() != "requires" and REQUIRES_IMPROVEMENT.startswith(text.lower()):
                partial = text
                continue
            # An area and its grade on one line: "Overall effectiveness Good".
            m = re.match(rf"^(.*\S)\s+({GRADE_PATTERN}|requires improvement)\.?$", text, re.I)
            tail = None
            if m and (AREA_START.match(text) or (area and _starts_lower(text))):
                text, tail = m.group(1), m.group(2)
            if AREA_START.match(text):
                finish()
                area, grade = [text], None
            elif area and _starts_lower(text):
                area.append(text)
            else:
                stop = True
                break
            if tail:
                if full := _full_grade(tail):
                    grade = full
                else:
                    partial = tail
        if stop:
            end = index
            break
    finish()
    return rows, end


def _recommendations(lines: list[str], raw_lines: list[str]) -> tuple[list[str], int, int]:
    """The bullets under "What needs to improve", and the lines they span."""
    start = next((i for i, line in enumerate(lines) if RECOMMENDATIONS_HEADING.match(line)), None)
    if start is None:
        return [], -1, -1
    items: list[str] = []
    current: str | None = None
    indent = 0
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if DIGITS.match(line):
            continue  # a footnote marker on a line of its own
        bullet = BULLET.match(line) or BULLET_ALONE.match(line)
        if bullet:
            if current is not None:
                items.append(current)
            current = line[bullet.end() :]
            indent = len(raw_lines[i]) - len(raw_lines[i].lstrip())
            continue
        if current is None:
            if PARAGRAPH.match(line) or SECTION_HEADING.match(line) or LIST_END.match(line):
                end = i
                break
            continue  # the sentence that introduces the bullets
        deeper = len(raw_lines[i]) - len(raw_lines[i].lstrip()) > indent
        unfinished = not re.search(r"[.?!)]$", current)
        heading = LIST_END.match(line) or SECTION_START.match(line) or BODY_END.match(line)
        if not (heading or PARAGRAPH.match(line)) and (_starts_lower(line) or deeper or unfinished):
            current = _join(current, line)
            continue
        end = i
        break
    if current is not None:
        items.append(current)
    return items, start, end


def _section_heading(lines: list[str], i: int) -> tuple[str, str, int] | None:
    """A graded section heading at line i, possibly wrapped: (title, grade, lines used)."""
    if not SECTION_START.match(lines[i]):
        return None
    text = lines[i]
    for used in range(1, 4):
        m = SECTION_HEADING.match(text)
        if m:
            return _squash(m.group(1)), GRADES[m.group(2).lower()], used
        if i + used >= len(lines):
            break
        following = lines[i + used]
        if not (_starts_lower(following) or text.endswith(":") or _full_grade(following)):
            break
        text = _join(text, following)
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
            and (line.endswith(".") or not _starts_lower(lines[i + 1]))
        ):
            if current:
                paragraphs.append(current)
            current = ParsedParagraph(expected, section, "")
        elif RECOMMENDATIONS_HEADING.match(line):
            if current:
                paragraphs.append(current)
            current = None
        elif current is not None and not DIGITS.match(line):
            current.text = _join(current.text, line)
        i += 1
    if current:
        paragraphs.append(current)
    for s in sections:
        numbers = [p.number for p in paragraphs if p.section == s.title]
        if numbers:
            s.first_paragraph, s.last_paragraph = min(numbers), max(numbers)
    return paragraphs, sections


# --- The whole report ----------------------------------------------------


def parse_report(text: str) -> ParsedReport:
    """Parse a report's text; raise ReportError saying what could not be found."""
    raw_lines = _clean_lines(text)
    end = next((i for i, line in enumerate(raw_lines) if BODY_END.match(line.strip())), None)
    raw_lines = raw_lines[:end]
    lines = [_squash(line) for line in raw_lines]
    if not lines:
        raise ReportError("The file has no text.")

    kind = _kind(lines)
    report = ParsedReport(
        authority=_authority(lines),
        inspection_kind=kind,
        start_date=None,
        end_date=None,
    )
    report.start_date, report.end_date = _visit_dates(lines)
    report.published_date = _published_date(lines, kind)
    report.lead_inspector = _lead_inspector(lines)
    report.recommendations, rec_start, rec_end = _recommendations(lines, raw_lines)

    missing = []
    if report.start_date is None:
        missing.append("the inspection or visit dates")
    if kind in ("standard", "short"):
        report.judgements, table_end = _judgements(raw_lines)
        if not report.judgements:
            missing.append("the judgement table (“Judgement … Grade”)")
        report.paragraphs, report.sections = _paragraphs(
            lines, table_end, range(rec_start, max(rec_start, rec_end))
        )
        if not report.paragraphs:
            missing.append("the numbered paragraphs")
    if kind in ("standard", "short", "focused_visit") and not report.recommendations:
        missing.append("the recommendations (the bullets under “What needs to improve”)")
    if missing:
        raise ReportError("Could not find " + "; ".join(missing) + ".")
    return report
