"""Read a published Ofsted report (PDF or text) into plain data.

The package knows the formats, not any one file:

- ``text``: the text of a PDF (pypdfium2) or of a text file (pdftotext in
  layout, raw or plain mode, or the web page), and its lines with the page
  furniture removed: page numbers, running headers and footers, Ofsted's
  address block, footnotes (even mid-paragraph);
- ``details``: what every report states up front (kind, authority, dates,
  lead inspector) and the "What needs to improve" list;
- ``ilacs``: ILACS reports (2018-22 areas, 2023+ areas, and from April 2026
  without overall effectiveness): judgement table, numbered paragraphs and
  graded sections;
- ``letters``: focused visits, monitoring visits and JTAI letters;
- ``sif``: single inspection framework (2013-2018) and older reports;
- ``validate``: checks on the parser's own output before it is returned;
- ``authorities``: the register's short names ("Kent County Council" -> "Kent");
- ``pdf_worker``: PDFium in a child process, under page, memory and time limits.

It does not touch the database: ``inspections.importer`` writes what this
package returns. Errors are ``ReportError`` with a message for the person who
uploaded the file.
"""

from . import ilacs, letters, sif
from .details import report_kind
from .model import (
    GRADE_CODES,
    GRADES,
    ParsedParagraph,
    ParsedReport,
    ParsedSection,
    ReportError,
    grade_code,
    match_judgement_area,
)
from .text import BODY_END, clean_lines, extract_text, squash
from .validate import validate

__all__ = [
    "GRADES",
    "GRADE_CODES",
    "ParsedParagraph",
    "ParsedReport",
    "ParsedSection",
    "ReportError",
    "extract_text",
    "grade_code",
    "match_judgement_area",
    "parse_report",
    "report_lines",
]


def report_lines(text: str) -> tuple[list[str], list[str]]:
    """The report's body lines: as laid out (raw), and with spacing squashed."""
    raw_lines = clean_lines(text)
    # sif branch: pre-2013 reports print "© Crown copyright" on their cover, so the
    # closing boilerplate is looked for only after the first 15 lines.
    end = next(
        (i for i, line in enumerate(raw_lines) if i >= 15 and BODY_END.match(line.strip())), None
    )
    raw_lines = raw_lines[:end]
    return [squash(line) for line in raw_lines], raw_lines


def parse_report(text: str) -> ParsedReport:
    """Parse a report's text; raise ReportError saying what could not be found."""
    lines, raw_lines = report_lines(text)
    if not lines:
        raise ReportError("The file has no text.")
    if sif.is_sif(lines):
        report = sif.parse(lines, raw_lines)
    else:
        kind = report_kind(lines)
        module = ilacs if kind in ilacs.KINDS else letters
        report = module.parse(lines, raw_lines, kind)
    validate(report)
    return report
