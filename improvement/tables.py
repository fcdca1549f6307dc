"""Tables as CSV or XLSX downloads, from columns declared once.

Each export declares its columns once (header, how to get the value, what kind
of value it is) as a list of Column; the same declaration writes the CSV, the
XLSX and, for the bulk action file, reads an import back.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from typing import IO, Any, cast

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
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


# Rows fetched from the database at a time: each chunk is one query (and one per
# prefetch), so memory stays flat however many rows an export holds.
CHUNK_SIZE = 2000
# CSV rows written out together: fewer, larger pieces for the server to send.
CSV_ROWS_PER_PIECE = 200


def each(rows: Iterable[Any], chunk_size: int | None = None) -> Iterable[Any]:
    """The rows one chunk at a time if they come from the database, as they are otherwise."""
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=chunk_size or CHUNK_SIZE)
    return rows


def csv_pieces(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The table as CSV, a few rows at a time, for a streamed response or a file."""
    text = io.StringIO()
    writer = csv.writer(text)
    # A BOM so that Excel opens the UTF-8 file with the right characters.
    text.write("\ufeff")
    writer.writerow(headers(columns))
    for number, row in enumerate(each(rows), start=1):
        writer.writerow(["" if v is None else v for v in cells(columns, row)])
        if number % CSV_ROWS_PER_PIECE == 0:
            yield text.getvalue().encode("utf-8")
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    """A further sheet of an XLSX download: its name, columns and rows."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Any]


def write_table(
    out: IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Any],
    fmt: str,
    *,
    preface: Sequence[str] = (),
    sheets: Sequence[Sheet] = (),
) -> int:
    """Write the table to a binary file as CSV or XLSX; returns the number of rows.

    XLSX: `preface` lines (a title, the period) above a bold header row that stays
    in view, an autofilter, column widths and wrapped long text, dates and numbers
    as real cells, empty cells empty; then any further `sheets`, each with the same
    preface. Written in openpyxl's write-only mode, so a large table goes through a
    temporary file rather than sitting whole in memory. A CSV holds one table, so it
    refuses `sheets`.
    """
    if fmt == "csv":
        if sheets:
            raise ValueError("A CSV holds one table: ask for an XLSX for more sheets.")
        count = 0

        def counted() -> Iterator[Any]:
            nonlocal count
            for row in each(rows):
                count += 1
                yield row

        for piece in csv_pieces(columns, counted()):
            out.write(piece)
        return count
    workbook = Workbook(write_only=True)
    count = _write_sheet(workbook, Sheet("Data", columns, rows), preface)
    for sheet in sheets:
        _write_sheet(workbook, sheet, preface)
    workbook.save(out)
    return count


def _write_sheet(workbook: Workbook, table: Sheet, preface: Sequence[str]) -> int:
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
    styles: dict[tuple, StyleArray] = {}
    count = 0
    for row in each(table.rows):
        sheet.append([_xlsx_cell(sheet, c, row, styles) for c in table.columns])
        count += 1
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
    return count


def table_bytes(
    columns: Sequence[Column],
    rows: Iterable[Any],
    fmt: str,
    *,
    preface: Sequence[str] = (),
    sheets: Sequence[Sheet] = (),
) -> bytes:
    """The table as CSV or XLSX bytes (see write_table): for tables that are never large."""
    out = io.BytesIO()
    write_table(out, columns, rows, fmt, preface=preface, sheets=sheets)
    return out.getvalue()


WRAP_FROM_WIDTH = 30  # columns this wide hold long text: wrap it
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _header_cell(sheet, text: str) -> Any:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="F3F2F1")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _xlsx_cell(sheet, column: Column, row: Any, styles: dict[tuple, StyleArray]) -> Any:
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
    key = (column.width >= WRAP_FROM_WIDTH, number_format)
    if key not in styles:
        model = WriteOnlyCell(sheet)
        model.alignment = Alignment(wrap_text=key[0], vertical="top")
        if number_format:
            model.number_format = number_format
        styles[key] = model._style  # type: ignore[attr-defined]
    # Each style is made once and copied: setting a cell's alignment makes openpyxl
    # build and look up an Alignment, which took most of a large export's time.
    cell._style = copy(styles[key])  # type: ignore[attr-defined]
    return cell


def clean(value: str) -> str:
    """Without the characters a spreadsheet cell cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def export_name(what: str, authority_slug: str = "", when: dt.date | None = None) -> str:
    """A file name that says what and when: "middlesbrough-actions-2026-11-23"."""
    when = when or timezone.localdate()
    return "-".join(filter(None, [authority_slug or "all-authorities", what, when.isoformat()]))


def _as_attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    """Every download the app sends: an attachment the browser must not sniff or keep."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    _as_attachment(response, filename)
    return response


def table_response(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    fmt: str,
    *,
    preface: Sequence[str] = (),
    sheets: Sequence[Sheet] = (),
) -> HttpResponse | StreamingHttpResponse:
    """The table as a download. CSV is streamed as its rows are read (a chunk of rows
    at a time), so the first bytes leave at once and memory stays flat; an XLSX
    (a zip file) can only be sent once it is written."""
    name = f"{filename}.{fmt}"
    if fmt == "csv" and sheets:
        raise ValueError("A CSV holds one table: ask for an XLSX for more sheets.")
    if fmt == "csv":
        response = StreamingHttpResponse(csv_pieces(columns, rows), content_type=FORMATS[fmt])
        _as_attachment(response, name)
        return response
    content = table_bytes(columns, rows, fmt, preface=preface, sheets=sheets)
    return download(content, name, FORMATS[fmt])


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
