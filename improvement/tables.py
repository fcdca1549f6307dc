"""Tables as CSV or XLSX downloads, from columns declared once.

Each export declares its columns once (header, how to get the value, what kind
of value it is) as a list of Column; the same declaration writes the CSV, the
XLSX and, for the bulk action file, reads an import back.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

TEXT, DATE, NUMBER, DATETIME = "text", "date", "number", "datetime"


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, how to read its value from a row, and its kind."""

    header: str
    value: Callable[[Any], Any]
    kind: str = TEXT
    width: int = 24


def headers(columns: Sequence[Column]) -> list[str]:
    return [c.header for c in columns]


def cells(columns: Sequence[Column], row: Any) -> list:
    return [_cell(c.value(row), c.kind) for c in columns]


@dataclass(frozen=True)
class Sheet:
    """A further sheet of an XLSX download: its name, columns and rows."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def table_bytes(
    columns: Sequence[Column],
    rows: Iterable[Any],
    fmt: str,
    *,
    preface: Sequence[str] = (),
    sheets: Sequence[Sheet] = (),
) -> bytes:
    """The table as CSV, or as an XLSX a council analyst would make.

    XLSX: `preface` lines (a title, the period) above a bold header row that stays
    in view, an autofilter, column widths and wrapped long text, dates and numbers
    as real cells, empty cells empty; then any further `sheets`, each with the same
    preface. Written in openpyxl's write-only mode, so a large table streams rather
    than sitting whole in memory. A CSV holds one table, so it refuses `sheets`.
    """
    if fmt == "csv":
        if sheets:
            raise ValueError("A CSV holds one table: ask for an XLSX for more sheets.")
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers(columns))
        for row in rows:
            writer.writerow(["" if v is None else v for v in cells(columns, row)])
        # A BOM so that Excel opens the UTF-8 file with the right characters.
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    for sheet in (Sheet("Data", columns, rows), *sheets):
        _write_sheet(workbook, sheet, preface)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_sheet(workbook: Workbook, table: Sheet, preface: Sequence[str]) -> None:
    sheet = workbook.create_sheet(table.name)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = len(preface) + (1 if preface else 0) + 1
    sheet.freeze_panes = f"A{header_row + 1}"  # write-only: set before any row is written
    for number, line in enumerate(preface):
        title = WriteOnlyCell(sheet, value=formula_safe(clean(line)))
        title.font = Font(bold=True, size=14 if number == 0 else 11)
        sheet.append([title])
    if preface:
        sheet.append([])
    sheet.append([_header_cell(sheet, c.header) for c in table.columns])
    count = 0
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, c, row) for c in table.columns])
        count += 1
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"


WRAP_FROM_WIDTH = 30  # columns this wide hold long text: wrap it
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _header_cell(sheet, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="F3F2F1")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _xlsx_cell(sheet, column: Column, row: Any) -> Any:
    value = column.value(row)
    if value is None or value == "":
        return None
    number_format = None
    if column.kind == DATETIME and isinstance(value, dt.datetime):
        value, number_format = timezone.localtime(value).replace(tzinfo=None), DATETIME_FORMAT
    elif column.kind == DATE and isinstance(value, str):
        value, number_format = dt.date.fromisoformat(value[:10]), DATE_FORMAT
    elif isinstance(value, dt.date):
        number_format = DATE_FORMAT
    elif isinstance(value, str):
        value = formula_safe(clean(value))
    # A date is a real cell value, whatever openpyxl's type stubs say.
    cell = WriteOnlyCell(sheet, value=cast(Any, value))
    if number_format:
        cell.number_format = number_format
    cell.alignment = Alignment(wrap_text=column.width >= WRAP_FROM_WIDTH, vertical="top")
    return cell


def clean(value: str) -> str:
    """Without the characters a spreadsheet cell cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def export_name(what: str, authority_slug: str = "", when: dt.date | None = None) -> str:
    """A file name that says what and when: "middlesbrough-actions-2026-11-23"."""
    when = when or timezone.localdate()
    return "-".join(filter(None, [authority_slug or "all-authorities", what, when.isoformat()]))


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """Every download the app sends: an attachment the browser must not sniff or keep."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def table_response(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    fmt: str,
    *,
    preface: Sequence[str] = (),
    sheets: Sequence[Sheet] = (),
) -> HttpResponse:
    content = table_bytes(columns, rows, fmt, preface=preface, sheets=sheets)
    return download(content, f"{filename}.{fmt}", FORMATS[fmt])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == DATETIME and isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return formula_safe(clean(value))
    return value


def formula_safe(value: str) -> str:
    """Stop a cell that starts with = + - @ being run as a formula by a spreadsheet."""
    if value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
