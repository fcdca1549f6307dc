"""Every spreadsheet the app sends is one a council analyst would make."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from improvement.tables import Column, Sheet, table_bytes
from tests.helpers import make_update

TODAY = dt.date.today()


@pytest.fixture
def plan(action, owner):
    action.description = "A long description. " * 20
    action.save()
    make_update(
        action,
        owner,
        note="Started.",
        due_date_before=action.due_date,
        due_date_after=action.due_date,
    )
    return action


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content)).active


def _header_row(sheet, first: str) -> int:
    return next(c.row for c in sheet["A"] if c.value == first)


@pytest.mark.parametrize(
    ("name", "first", "what"),
    [
        ("improvement:actions_export", "Authority", "actions"),
        ("improvement:findings_export", "Authority", "findings"),
    ],
)
def test_a_list_download_has_a_frozen_bold_filtered_header_and_real_cells(
    client, leader, plan, name, first, what
):
    client.force_login(leader)
    response = client.get(reverse(name, args=["xlsx"]), {"authority": "middlesbrough"})
    sheet = _sheet(response)
    row = _header_row(sheet, first)
    header = sheet[row]
    assert all(cell.font.bold for cell in header if cell.value)
    assert sheet.freeze_panes == f"A{row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{row}:")
    widths = [sheet.column_dimensions[c.column_letter].width for c in header]
    assert min(widths) >= 8 and max(widths) >= 40
    values = [c.value for r in sheet.iter_rows(min_row=row + 1) for c in r]
    assert "None" not in values
    assert any(isinstance(v, dt.datetime) for v in values)  # dates are dates, not text
    assert response["Content-Disposition"] == (
        f'attachment; filename="middlesbrough-{what}-{TODAY.isoformat()}.xlsx"'
    )


def test_the_actions_download_keeps_finding_text_whole_and_wraps_it(client, leader, plan):
    finding = plan.findings.get()
    finding.text = "The quality of contingency planning, " * 10
    finding.save()
    client.force_login(leader)
    sheet = _sheet(client.get(reverse("improvement:actions_export", args=["xlsx"])))
    row = _header_row(sheet, "Authority")
    cell = sheet.cell(row=row + 1, column=3)
    assert cell.value.endswith(finding.text)
    assert "..." not in cell.value
    assert cell.alignment.wrap_text
    due = sheet.cell(row=row + 1, column=10)
    assert due.value.date() == plan.due_date and due.number_format == "dd/mm/yyyy"


def test_a_board_report_has_its_title_and_period_above_the_table(client, leader, plan):
    client.force_login(leader)
    start, end = TODAY - dt.timedelta(days=10), TODAY
    sheet = _sheet(
        client.get(
            reverse("improvement:report_preview"),
            {
                "authority": "middlesbrough",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "format": "xlsx",
            },
        )
    )
    assert sheet["A1"].font.bold and "Middlesbrough improvement plan" in sheet["A1"].value
    assert sheet["A2"].value.startswith("Period: ")
    row = _header_row(sheet, "Finding")
    assert sheet.freeze_panes == f"A{row + 1}"
    column = next(c.column for c in sheet[row] if c.value == "Due at end")
    due = sheet.cell(row=row + 1, column=column).value
    assert isinstance(due, dt.datetime) and due.date() == plan.due_date


def test_a_board_reports_measures_sheet_has_the_same_preface_and_a_frozen_filtered_header(
    client, leader, plan
):
    client.force_login(leader)
    response = client.get(
        reverse("improvement:report_preview"),
        {
            "authority": "middlesbrough",
            "start": (TODAY - dt.timedelta(days=10)).isoformat(),
            "end": TODAY.isoformat(),
            "format": "xlsx",
        },
    )
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Data", "Measures"]
    sheet = workbook["Measures"]
    assert "Middlesbrough improvement plan" in sheet["A1"].value
    row = _header_row(sheet, "Finding")
    assert sheet.freeze_panes == f"A{row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{row}:")
    assert sheet[row][0].font.bold


def test_a_csv_holds_one_table_only():
    columns = [Column("Name", lambda r: r)]
    with pytest.raises(ValueError, match="one table"):
        table_bytes(columns, ["a"], "csv", sheets=[Sheet("More", columns, ["b"])])
