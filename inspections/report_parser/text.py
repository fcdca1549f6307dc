"""Getting a report's lines: text from a PDF or a text file, page furniture
removed, and the helpers and patterns the format modules share.
"""

import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from .model import GRADE_PATTERN, ReportError

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


# Limits on reading a PDF's text (issue 12). Ofsted's longest reports run to
# about 70 pages and 300,000 characters and take under 2 s and 150 MB.
PDF_MAX_PAGES = 200
PDF_MAX_SECONDS = 30
PDF_MAX_MEMORY = 1024 * 1024 * 1024  # address space of the reading process
PDF_MAX_CHARS = 3_000_000
WORKER = Path(__file__).with_name("pdf_worker.py")


def _pdf_text(data: bytes) -> str:
    """The text of a PDF, read by pdf_worker.py in a child process under limits."""
    limits = [str(PDF_MAX_PAGES), str(PDF_MAX_MEMORY), str(PDF_MAX_CHARS)]
    try:
        done = subprocess.run(  # noqa: S603 (a fixed argv, no shell; the PDF goes to stdin)
            [sys.executable, str(WORKER), *limits],
            input=data,
            capture_output=True,
            timeout=PDF_MAX_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ReportError(
            f"Reading the PDF’s text took longer than {PDF_MAX_SECONDS} seconds, so it was "
            "stopped. An Ofsted report takes a second or two: this file is not one as published."
        ) from None
    reason = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == 3:
        if reason == "password":
            raise ReportError(
                "The PDF is encrypted (password-protected). Upload the report as Ofsted "
                "publishes it, without a password."
            )
        if reason.startswith("pages "):
            raise ReportError(
                f"The PDF has {reason.split()[1]} pages; an Ofsted report has at most "
                f"{PDF_MAX_PAGES}, so it was not read."
            )
        if reason == "chars":
            raise ReportError(
                f"The PDF holds more than {PDF_MAX_CHARS:,} characters of text; an Ofsted "
                "report has far fewer, so it was not read."
            )
        raise ReportError(f"The PDF cannot be read; it may be damaged ({reason[8:]}).")
    if done.returncode != 0:
        raise ReportError(
            f"Reading the PDF’s text needed more than {PDF_MAX_MEMORY // 2**20} MB of memory "
            "(or failed part-way), so it was stopped. An Ofsted report needs far less: this "
            "file is not one as published."
        )
    text = done.stdout.decode("utf-8", "surrogatepass")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(PDFIUM_HYPHENS)
    if not text.strip():
        raise ReportError(
            "The PDF has no text in it: it may be a scanned image. Upload the PDF from "
            "the Ofsted reports site, or its text."
        )
    return text


# --- Line helpers -----------------------------------------------------------

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "13", "13 March", "13 March 2023", "the 15 ... of May 2018"
DATE_PART = rf"(?:the\s+)?{DAY}(?:\s+(?:of\s+)?(?:{MONTHS}))?(?:,?\s+\d{{4}})?"
DATE_SPAN = rf"{DATE_PART}(?:\s*(?:,?\s*and|,|to|until|–|-|&)\s*{DATE_PART})*"
ONE_DATE = re.compile(rf"^{DAY}\s+(?:{MONTHS})\s+\d{{4}}$")

# Bullet glyphs, and any private-use code point (U+E000-U+F8FF): symbol fonts map
# "■" or "•" there (U+F06E, U+F0B7, U+F0A7...).
GLYPHS = "◼▪■□•●○◆◦‣∙·➢►▶✓✔❖\ue000-\uf8ff"
BULLET = re.compile(rf"^(?:[{GLYPHS}]\s*|[-–*]\s+)(?=\S)")
BULLET_ALONE = re.compile(rf"^[{GLYPHS}]$")  # some PDFs put the glyph on a line of its own
# "12. Text", and "12.Text" where the PDF has no space: not "1.5 million".
PARAGRAPH = re.compile(r"^(\d{1,3})\.(?:\s+|(?=[^\d\s]))(\S.*)$")
# A paragraph number whose full stop the PDF lost: "34 Most children…" (taken only
# where that number is the one expected next).
PARAGRAPH_NO_STOP = re.compile(r"^(\d{1,3})\s+([A-Z]\S*\s.*)$")
NUMBER_ALONE = re.compile(r"^(\d{1,3})\.?$")
DIGITS = re.compile(r"^\d{1,3}$")
PAGE_LABEL = re.compile(r"^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.I)
# Headings start with a capital: "areas for priority action" mid-sentence is no heading.
RECOMMENDATIONS_HEADING = re.compile(r"^(?-i:W)hat needs to improve\b", re.I)
# "The experiences and progress of care leavers: good"; in 2018-19 reports "… is good"
# or "… protection requires improvement to be good".
SECTION_HEADING = re.compile(
    rf"^([A-Z‘'][^:]{{8,200}}?)(?:\s*:|\s+(?:is|are)|(?=\s))\s*"
    rf"({GRADE_PATTERN}|requires improvement)\.?$",
    re.I,
)
SECTION_START = re.compile(r"^(The experiences and progress of|The impact of leaders)\b", re.I)
AREA_START = re.compile(
    r"^(The impact of leaders|The experiences and progress|Overall effectiveness)\b", re.I
)
# Headings that end a bulleted list in letters and reports.
LIST_END = re.compile(
    r"^(?=(?-i:[A-Z]))(Findings|Main findings|Headline findings|Summary|Context|Next steps|"
    r"Areas for priority action|Areas of strength|Yours? sincerely|What is working well|"
    r"Ofsted will take the findings)\b",
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


def squash(text: str) -> str:
    return " ".join(text.split())


def cells(raw: str) -> list[str]:
    """A layout-mode line split into its columns (two or more spaces, or a tab)."""
    return [squash(c) for c in re.split(r"\t|\s{2,}", raw.strip()) if c.strip()]


def join(text: str, more: str) -> str:
    """Join a wrapped line: one space, or none after a line-end hyphen."""
    if not text:
        return more
    # Look at the last two characters only: a search anchored at $ scans the whole
    # (growing) paragraph, which made joining a paragraph's lines quadratic.
    if text.endswith("-") and text[-2:-1].isalpha():
        return text + more
    return f"{text} {more}"


def join_all(pieces: list[str]) -> str:
    """Wrapped lines joined as `join` joins two, in one pass (linear in the text)."""
    out: list[str] = []
    for piece in pieces:
        if out and not (out[-1].endswith("-") and out[-1][-2:-1].isalpha()):
            out.append(" ")
        if piece or not out:
            out.append(piece)
    return "".join(out).strip() if out else ""


def starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in "(,;")


# --- Page furniture -------------------------------------------------------


def _edge_key(line: str) -> str:
    """A line as a running header or footer, with any page number taken off."""
    key = squash(line)
    key = re.sub(r"\s*\bpage\s+\d{1,3}(\s+of\s+\d{1,3})?$", "", key, flags=re.I)
    return re.sub(r"\s+\d{1,3}$", "", key)


def _is_address(raw: str) -> bool:
    parts = cells(raw)
    return bool(parts) and all(ADDRESS_CELL.match(c) for c in parts)


def clean_lines(text: str) -> list[str]:
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
        # Indices, not page = page[1:]: a page of page numbers would cost its square.
        first, last = 0, len(page)
        while first < last and furniture(page[first], number):
            first += 1
        while last > first and furniture(page[last - 1], number):
            last -= 1
        page, footnote = _drop_footnotes(page[first:last], footnote)
        # Mid-page, a number on its own line may be a paragraph's number: the parsers decide.
        lines += [line for line in page if not (_is_address(line) or header(line, number))]
    return lines


FOOTNOTE_LINES = 15


def _drop_footnotes(page: list[str], expected: int) -> tuple[list[str], int]:
    """Cut the footnotes off the foot of a page.

    A footnote starts with its number, alone on its line or before its text,
    and runs to the page's end; the lines after it hold no bullet, numbered
    paragraph or heading (which tells it from a marker such as the "1" after
    "What needs to improve?" that some PDFs put on a line of its own).
    """
    # A footnote has at most 15 lines after its first: look no higher up the page,
    # so that a page of any length costs the same (no line is looked at twice over).
    for i in range(max(1, len(page) - FOOTNOTE_LINES - 1), len(page)):
        m = re.match(r"^\s*(\d{1,2})(?:\s+([A-Z‘“'\"(].*))?$", page[i])
        if not m or not expected <= int(m.group(1)) <= expected + 2:
            continue
        if ONE_DATE.match(squash(page[i])):
            continue  # "3 March 2022", a letter's date: no footnote
        rest = [squash(line) for line in page[i + 1 :]]
        if m.group(2) is None and not rest:
            continue
        if len(rest) > FOOTNOTE_LINES or any(
            BULLET.match(r) or PARAGRAPH.match(r) or SECTION_START.match(r) for r in rest
        ):
            continue
        return page[:i], int(m.group(1)) + 1
    return page, expected


def dates_in(span: str, sent: date | None = None) -> list[date]:
    """Every date in '13 to 24 March 2023', '31 July and 1 August 2024' and the like.

    A span without a year ("on 30 and 31 January") takes it from the date the
    letter was sent: the same year, or the one before if that month is later.
    """
    found: list[list[int]] = []  # [day, month, year], 0 until known
    tokens = re.findall(rf"(\d{{4}})|({MONTHS})|(\d{{1,2}})(?:st|nd|rd|th)?", span)
    for year, month, day in tokens:
        if day:
            found.append([int(day), 0, 0])
        elif month:
            number = MONTHS.split("|").index(month) + 1
            for item in found:
                item[1] = item[1] or number
        else:
            # "29 and 30 December, and 1 January 2022": a month after a later
            # one in the same span belongs to the year before.
            next_year, next_month = int(year), 13
            for item in reversed(found):
                if not item[2]:
                    item[2] = next_year - (item[1] > next_month)
                next_year, next_month = item[2], item[1] or next_month
    if sent is not None:
        for item in found:
            if item[1] and not item[2]:
                item[2] = sent.year - (item[1] > sent.month)
    try:
        return [date(y, m, d) for d, m, y in found if d and m and y]
    except ValueError as exc:
        raise ReportError(f"The inspection dates “{span}” are not real dates ({exc}).") from None
