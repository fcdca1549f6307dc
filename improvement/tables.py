"""Write a table as a CSV or XLSX download."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_bytes(headers: Sequence[str], rows: Iterable[Sequence], fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_safe(v) for v in row])
        # A BOM so that Excel opens the UTF-8 file with the right characters.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_csv_safe(v) if isinstance(v, str) else v for v in row])
    for index, _ in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_response(filename: str, headers: Sequence[str], rows: Iterable, fmt: str) -> HttpResponse:
    response = HttpResponse(table_bytes(headers, rows, fmt), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value):
    """Stop a cell that starts with = + - @ being run as a formula by a spreadsheet."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value
