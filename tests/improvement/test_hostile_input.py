"""Odd input from people and files gets a clear answer, never a 500."""

import csv
import datetime as dt
import io
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from improvement.bulk import COLUMNS, MAX_ROWS, parse_actions
from improvement.models import ProgressUpdate
from tests.helpers import make_finding, make_inspection

WORD_LINE_BREAK = "Audit done.\x0bNext: report to the board.\x07"


def _record(client, action, note: str):
    return client.post(
        reverse("improvement:action_progress", args=[action.pk]),
        {
            "version": action.version,
            "status": "in_progress",
            "note": note,
            "due_date": action.due_date.isoformat(),
        },
    )


def test_control_characters_in_a_note_are_removed_and_exports_still_work(
    client, owner, leader, action, authority
):
    client.force_login(owner)
    assert _record(client, action, WORD_LINE_BREAK).status_code == 302
    assert ProgressUpdate.objects.get().note == "Audit done.\nNext: report to the board."

    client.force_login(leader)
    for name in ("improvement:actions_export", "improvement:findings_export"):
        response = client.get(reverse(name, args=["xlsx"]))
        assert response.status_code == 200
        load_workbook(BytesIO(response.content))
    today = dt.date.today()
    preview = client.get(
        reverse("improvement:report_preview"),
        {
            "authority": authority.slug,
            "start": (today - dt.timedelta(days=5)).isoformat(),
            "end": today.isoformat(),
            "format": "xlsx",
        },
    )
    assert preview.status_code == 200
    cells = [c for row in load_workbook(BytesIO(preview.content)).active.values for c in row]
    assert any("Next: report to the board." in str(c) for c in cells)


def test_an_export_strips_what_excel_cannot_hold_even_from_old_data(client, leader, action):
    action.title = "Audit\x0b plans\x01"  # written before text was cleaned on input
    action.save()
    client.force_login(leader)
    response = client.get(reverse("improvement:actions_export", args=["xlsx"]))
    assert response.status_code == 200
    titles = [row[1] for row in load_workbook(BytesIO(response.content)).active.values]
    assert "Audit plans" in titles


@pytest.mark.parametrize(
    "params",
    [
        {"due_within": "99999999"},
        {"due_within": "-1"},
        {"due_within": "inf"},
        {"page": "99999999999999999999"},
        {"owner": "not-a-number"},
        {"inspection": "1e400"},
        {"rag": "purple"},
    ],
)
def test_odd_query_strings_on_the_actions_list_give_the_page(client, leader, action, params):
    client.force_login(leader)
    assert client.get(reverse("improvement:action_list"), params).status_code == 200


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "2024-03-31"), ("2024-01-01", "9999-12-31"), ("2024-13-01", "x")],
)
def test_odd_report_periods_give_the_form_with_a_message(client, leader, authority, start, end):
    client.force_login(leader)
    response = client.get(
        reverse("improvement:report_preview"),
        {"authority": authority.slug, "start": start, "end": end},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(**changes) -> dict:
    return (
        {c: "" for c in COLUMNS}
        | {
            "authority": "Middlesbrough",
            "findings": "2023-03-13 standard #1",
            "title": "New",
            "status": "Not started",
        }
        | changes
    )


@pytest.fixture
def finding(authority):
    return make_finding(make_inspection(authority, start_date=dt.date(2023, 3, 13)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": "inf"}, "Row 2, id: 'inf' is not a number"),
        ({"id": "nan"}, "Row 2, id: 'nan' is not a number"),
        ({"partner_agency": "P" * 300}, "Row 2, partner_agency: must be 100 characters or fewer"),
        ({"title": "T" * 201}, "Row 2, title: must be 200 characters or fewer"),
        ({"start_date": "0001-01-01x"}, "Row 2, start_date: '0001-01-01x' is not a date"),
    ],
)
def test_odd_cells_in_an_import_are_named(finding, changes, message):
    result = parse_actions(_csv([_row(**changes)]), "x.csv")
    assert not result.is_valid
    assert any(e.startswith(message) for e in result.errors), result.errors


def test_an_import_over_the_row_limit_is_refused_before_any_row_is_checked(finding):
    result = parse_actions(_csv([_row(title=f"A{i}") for i in range(MAX_ROWS + 1)]), "big.csv")
    assert result.errors == [
        f"The file has {MAX_ROWS + 1:,} actions; import at most {MAX_ROWS:,} at a time "
        "(split the file)."
    ]


def test_import_rows_keep_their_spreadsheet_numbers_across_blank_rows(finding):
    header, row = _csv([_row(title="")]).decode().splitlines()
    result = parse_actions(f"{header}\n,,\n\n{row}\n".encode(), "x.csv")
    assert "Row 4, title: this column must not be empty" in result.errors


def test_an_excel_import_that_would_expand_too_far_is_refused_unopened(finding):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (8 * 1024 * 1024))
    result = parse_actions(out.getvalue(), "actions.xlsx")
    assert result.errors[0].startswith("The workbook cannot be read safely: a part of it expands")
