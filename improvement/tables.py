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
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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


def table_bytes(columns: Sequence[Column], rows: Iterable[Any], fmt: str) -> bytes:
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(headers(columns))
        for row in rows:
            writer.writerow(["" if v is None else v for v in cells(columns, row)])
        # A BOM so that Excel opens the UTF-8 file with the right characters.
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.append(headers(columns))
    for row in rows:
        sheet.append(cells(columns, row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """Every download the app sends: an attachment the browser must not sniff or keep."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def table_response(
    filename: str, columns: Sequence[Column], rows: Iterable[Any], fmt: str
) -> HttpResponse:
    return download(table_bytes(columns, rows, fmt), f"{filename}.{fmt}", FORMATS[fmt])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == DATETIME and isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return formula_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def formula_safe(value: str) -> str:
    """Stop a cell that starts with = + - @ being run as a formula by a spreadsheet."""
    if value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
