"""Importing measures' values from CSV or XLSX: upload, preview every row, confirm.

And the download of current values that is edited and imported back.
"""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from improvement.choices import Direction, Frequency, Unit
from improvement.measure_import import MAX_ROWS, parse_values
from improvement.models import Measure, MeasureValue
from tests.helpers import make_authority

IMPORT = reverse("improvement:measure_import") + "?authority=middlesbrough"
HEADER = "measure,period,value,england_average,neighbours_average,note"
NEXT_YEAR = dt.date.today().year + 1


def _export(fmt: str = "csv") -> str:
    return reverse("improvement:measure_values_export", args=[fmt]) + "?authority=middlesbrough"


def _measure(authority, owner, name: str, **fields) -> Measure:
    fields.setdefault("unit", Unit.PERCENTAGE)
    fields.setdefault("frequency", Frequency.MONTHLY)
    return Measure.objects.create(
        authority=authority,
        name=name,
        definition="Children seen within the timescale, of all children due a visit.",
        direction=Direction.HIGHER,
        target=Decimal(90),
        target_date=dt.date(NEXT_YEAR, 3, 31),
        owner=owner,
        **fields,
    )


def _value(measure: Measure, period: dt.date, value: str, author, **fields) -> MeasureValue:
    return MeasureValue.objects.create(
        measure=measure,
        period=period,
        value=Decimal(value),
        entered_by=author,
        entered_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def visits(authority, owner):
    """A monthly percentage the manager `owner` owns."""
    return _measure(authority, owner, "Visits on time")


@pytest.fixture
def plans(authority, leader):
    """A quarterly count a leader owns."""
    return _measure(
        authority, leader, "Plans reviewed", unit=Unit.COUNT, frequency=Frequency.QUARTERLY
    )


def _csv(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


def _upload(client, data: bytes, name: str = "values.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def _confirm(client):
    return client.post(IMPORT, {"confirm": "1"})


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Who may import and download ---------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, visits):
    for url in (IMPORT, _export()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_outsider_gets_404(client, outsider, visits):
    client.force_login(outsider)
    assert client.get(IMPORT).status_code == 404
    assert _upload(client, _csv("Visits on time,2025-10,61,,,")).status_code == 404
    assert client.get(_export()).status_code == 404
    assert not MeasureValue.objects.exists()


def test_an_unknown_authority_is_404(client, leader, visits):
    client.force_login(leader)
    url = reverse("improvement:measure_import") + "?authority=nowhere"
    assert client.get(url).status_code == 404


def test_a_viewer_may_download_but_not_import(client, viewer, visits):
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    assert _upload(client, _csv("Visits on time,2025-10,61,,,")).status_code == 403
    assert client.get(_export()).status_code == 200
    assert not MeasureValue.objects.exists()


def test_a_manager_who_owns_no_measure_is_refused(client, other_manager, visits):
    client.force_login(other_manager)
    assert client.get(IMPORT).status_code == 403


def test_a_manager_imports_only_their_own_measures(client, owner, visits, plans):
    client.force_login(owner)
    response = _upload(client, _csv("Visits on time,2025-10,61,,,", "Plans reviewed,2025 Q3,40,,,"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Row 3, measure: you may not enter values for 'Plans reviewed'" in unescape(body)
    assert "Import these values" not in body
    assert _confirm(client).status_code == 302  # nothing was kept to confirm
    assert not MeasureValue.objects.exists()

    _upload(client, _csv("Visits on time,2025-10,61,,,"))
    _confirm(client)
    assert MeasureValue.objects.get().measure == visits


def test_a_leader_imports_any_of_the_authority(client, leader, visits, plans):
    client.force_login(leader)
    data = _csv(
        "visits ON TIME,Nov 2025,61.5,70,65.25,From the case management system",
        "Plans reviewed,2025 Q3,40,,,",
    )

    response = _upload(client, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 rows: 2 to add, 0 to correct, 0 unchanged." in body
    assert "61.5%" in body and "Jul–Sep 2025" in body
    assert not MeasureValue.objects.exists()  # the preview writes nothing

    response = _confirm(client)
    assert response.status_code == 302
    assert response["Location"] == "/measures/?authority=middlesbrough"
    message = client.get(response["Location"]).content.decode()
    assert "Imported: 2 added, 0 corrected, 0 unchanged." in message
    written = {v.measure.name: v for v in MeasureValue.objects.select_related("measure")}
    assert written["Visits on time"].period == dt.date(2025, 11, 1)
    assert written["Visits on time"].value == Decimal("61.5")
    assert written["Visits on time"].england_average == Decimal(70)
    assert written["Visits on time"].neighbours_average == Decimal("65.25")
    assert written["Visits on time"].note == "From the case management system"
    assert written["Plans reviewed"].period == dt.date(2025, 7, 1)
    assert all(
        v.via == MeasureValue.Via.IMPORT and v.entered_by == leader for v in written.values()
    )


def test_a_measure_of_another_authority_is_not_found(client, leader, visits, outsider):
    other = make_authority("Redcar and Cleveland")
    _measure(other, outsider, "Their visits")
    client.force_login(leader)
    body = _upload(client, _csv("Their visits,2025-10,50,,,")).content.decode()
    assert "Row 2, measure: no measure called 'Their visits' in Middlesbrough" in unescape(body)


# All or nothing ----------------------------------------------------------------------


def test_every_problem_is_listed_and_nothing_is_written(client, leader, visits, plans):
    _value(visits, dt.date(2025, 9, 1), "60", leader)
    client.force_login(leader)
    data = _csv(
        "Visits on time,2025-10,61,,,",  # fine alone
        "Visits on time,Novembr 2025,61,,,",
        "Nobody's measure,2025-10,1,,,",
        "Visits on time,2025-12,-1,,,",
        "Visits on time,2026-01,101,,,",
        f"Visits on time,{NEXT_YEAR}-01,50,,,",
        "Visits on time,2025-10,62,,,",
        "Visits on time,2025-09,65,,,",
        ",,,,,note only",
        "Visits on time,2025-08,lots,NaN,1e400,",
        "Plans reviewed,2025-13,5,,,",
        "Plans reviewed,2025 Q2,5%,,,",
    )
    response = _upload(client, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in body
    expected = [
        "Row 3, period: 'Novembr 2025' is not a month (use 2026-11 or Nov 2026)",
        "Row 4, measure: no measure called 'Nobody's measure' in Middlesbrough",
        "Row 5, value: the value must not be negative",
        "Row 6, value: the value is a percentage, so must be 100 or less",
        f"Row 7, period: Jan {NEXT_YEAR} has not ended yet: enter its value once it has",
        "Row 8, period: Oct 2025 of 'Visits on time' is also on row 2",
        "Row 9, note: Sep 2025 already has a value (60%): say in the note why it changed",
        "Row 10, measure: this column must not be empty",
        "Row 10, period: this column must not be empty",
        "Row 10, value: this column must not be empty",
        "Row 11, value: 'lots' is not a number",
        "Row 11, england_average: 'NaN' is not a number",
        "Row 11, neighbours_average: '1e400' is too large (at most 9,999,999,999)",
        "Row 12, period: '2025-13' is not a quarter",
        "Row 13, value: '5%' is a percentage, but 'Plans reviewed' is a count",
    ]
    for error in expected:
        assert error in unescape(body), error
    assert 'href="#row-11"' in body and 'id="row-11"' in body
    assert "Row 2," not in body
    assert _confirm(client).status_code == 302
    assert MeasureValue.objects.count() == 1


def test_a_figure_changed_after_the_preview_refuses_the_confirm(client, leader, owner, visits):
    client.force_login(leader)
    _upload(client, _csv("Visits on time,2025-10,61,,,", "Visits on time,2025-11,62,,,"))
    _value(visits, dt.date(2025, 11, 1), "58", owner)  # someone else, meanwhile

    response = _confirm(client)
    body = response.content.decode()
    assert response.status_code == 409
    assert "The value of “Visits on time” for Nov 2025 changed after the preview was shown" in body
    assert "Nothing was written" in body
    assert list(MeasureValue.objects.values_list("value", flat=True)) == [Decimal(58)]


def test_a_correction_needs_a_note_and_keeps_the_old_value(client, leader, visits):
    first = _value(visits, dt.date(2025, 10, 1), "60", leader, note="Source: monthly return")
    client.force_login(leader)

    body = _upload(client, _csv("Visits on time,2025-10,62.5,,,")).content.decode()
    assert "say in the note why it changed" in body
    body = _upload(client, _csv("Visits on time,2025-10,62.5,,,Source: monthly return")).content
    assert "with this note: say in the note why it changed" in body.decode()

    body = _upload(client, _csv("Visits on time,2025-10,62.5,,,Late returns added")).content
    assert "0 to add, 1 to correct, 0 unchanged." in body.decode()
    assert "was 60%" in body.decode()
    _confirm(client)

    current = MeasureValue.objects.current().get()
    assert current.value == Decimal("62.5")
    assert current.corrects == first
    assert current.note == "Late returns added"
    assert MeasureValue.objects.get(pk=first.pk).value == Decimal(60)


def test_a_new_note_alone_changes_nothing(client, leader, visits):
    _value(visits, dt.date(2025, 10, 1), "60", leader)
    client.force_login(leader)
    body = _upload(client, _csv("Visits on time,2025-10,60.00,,,A better note")).content.decode()
    assert "0 to add, 0 to correct, 1 unchanged." in body
    _confirm(client)
    assert MeasureValue.objects.count() == 1


def test_rows_are_numbered_as_the_spreadsheet_numbers_them(client, leader, visits):
    client.force_login(leader)
    data = _csv("", "Visits on time,2025-10,61,,,", ",,,,,", "Visits on time,2025-11,x,,,")
    body = unescape(_upload(client, data).content.decode())
    assert "Row 5, value: 'x' is not a number" in body


def test_a_confirm_on_another_authority_page_has_expired(client, leader, visits, outsider):
    other = make_authority("Redcar and Cleveland")
    other.members.add(leader)
    _measure(other, outsider, "Their visits")
    client.force_login(leader)
    _upload(client, _csv("Visits on time,2025-10,61,,,"))
    elsewhere = reverse("improvement:measure_import") + "?authority=redcar-and-cleveland"
    response = client.post(elsewhere, {"confirm": "1"})
    assert response.status_code == 302
    assert "The upload has expired" in client.get(elsewhere).content.decode()
    assert not MeasureValue.objects.exists()


def test_a_confirm_without_an_upload_has_expired(client, leader, visits):
    client.force_login(leader)
    response = _confirm(client)
    assert response.status_code == 302
    assert "The upload has expired" in client.get(IMPORT).content.decode()


# Files ---------------------------------------------------------------------------------


def test_an_excel_file_with_date_cells_and_numbers(client, leader, visits, plans):
    client.force_login(leader)
    data = _xlsx(
        [
            ["Visits on time", dt.datetime(2025, 10, 31), 61.5, 70, None, None],
            ["Plans reviewed", "2025 Q2", 12, None, None, "=1+1"],
            [None, None, None, None, None, None],
            ["Visits on time", "2025-11", 0.1 + 0.2, None, None, None],
        ]
    )
    body = _upload(client, data, "values.xlsx").content.decode()
    assert "3 rows: 3 to add" in body
    _confirm(client)
    values = {(v.measure.name, v.period): v for v in MeasureValue.objects.select_related("measure")}
    assert values["Visits on time", dt.date(2025, 10, 1)].value == Decimal("61.5")
    assert values["Visits on time", dt.date(2025, 11, 1)].value == Decimal("0.3")
    # A formula the spreadsheet has not worked out reads as an empty cell, never as code.
    assert values["Plans reviewed", dt.date(2025, 4, 1)].note == ""


def test_figures_are_read_as_people_write_them(leader, visits, plans):
    data = _csv(
        "Visits on time,2025-10,62.5%, 70 ,,",
        'Plans reviewed,2025 Q2,"1,204.5",1.2E+3,,',
        'Plans reviewed,2025 Q3,"1,5",,,',
    )
    result = parse_values(data, "v.csv", authority=visits.authority, user=leader)
    first, second, third = result.rows
    assert (first.entry.value, first.entry.england_average) == (Decimal("62.5"), Decimal(70))
    assert (second.entry.value, second.entry.england_average) == (Decimal("1204.5"), Decimal(1200))
    assert third.errors == ["Row 4, value: '1,5' is not a number"]


def test_a_formula_quoted_by_the_export_is_read_back_unquoted(client, leader, visits):
    client.force_login(leader)
    _upload(client, _csv("Visits on time,2025-10,61,,,'=HYPERLINK(x)"))
    _confirm(client)
    assert MeasureValue.objects.get().note == "=HYPERLINK(x)"


def test_a_formula_in_a_figure_is_not_a_number(client, leader, visits):
    client.force_login(leader)
    body = _upload(client, _csv("Visits on time,2025-10,=1+1,,,")).content.decode()
    assert "Row 2, value: '=1+1' is not a number" in unescape(body)


def _zip_bomb() -> bytes:
    """An .xlsx-shaped archive whose sheet expands 2,000 times over."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (8 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("values.csv", b"", "The selected file is empty"),
        ("values.csv", b"\xff\xfe\x00\x01binary\x00", "The CSV file must be saved as UTF-8."),
        ("values.txt", _csv("Visits on time,2025-10,61,,,"), "must be a CSV or Excel (.xlsx) file"),
        ("values.xlsx", b"PK\x03\x04 not really a zip", "not a readable Excel (.xlsx) workbook"),
        ("values.xlsx", _csv("Visits on time,2025-10,61,,,"), "not a readable Excel"),
        ("values.xlsx", _zip_bomb(), "The workbook cannot be read safely: a part of it expands"),
        ("values.csv", b"\n\n,,,\n", "The file is empty."),
        ("values.csv", b"measure,period\nVisits on time,2025-10\n", "missing these columns: value"),
        ("values.csv", HEADER.encode(), "The file has a header row but no values."),
        ("values.csv", b"x" * (5 * 1024 * 1024 + 1), "must be smaller than 5"),
        ("values.csv", b'"' + b"x" * 200_000, "The CSV file cannot be read"),
    ],
)
def test_a_hostile_file_gets_a_clear_error(client, leader, visits, name, data, message):
    client.force_login(leader)
    response = _upload(client, data, name)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in unescape(body)
    assert "govuk-error-summary" in body
    assert 'href="#id_file"' in body
    assert not MeasureValue.objects.exists()


def test_too_many_rows_are_refused(client, leader, visits):
    client.force_login(leader)
    rows = [f"Visits on time,{2000 + i // 12}-{i % 12 + 1:02},50,,," for i in range(MAX_ROWS + 1)]
    body = _upload(client, _csv(*rows)).content.decode()
    assert f"The file has {MAX_ROWS + 1:,} rows of values; import at most {MAX_ROWS:,}" in body


@pytest.mark.parametrize("declared", [b"A1:A1", b"A1:XFD1048576"])
def test_a_sheet_is_read_by_its_cells_whatever_size_it_declares(leader, visits, declared):
    """Too small a size would drop rows silently; too large would cost time."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for month in (9, 10, 11):
        sheet.append(["Visits on time", f"2025-{month:02}", 61])
    out = io.BytesIO()
    workbook.save(out)
    source, patched = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % declared, content
                )
                assert declared in content
            archive.writestr(info, content)
    result = parse_values(patched.getvalue(), "v.xlsx", authority=visits.authority, user=leader)
    assert result.is_valid, result.errors
    assert [r.verb for r in result.rows] == ["added", "added", "added"]


def test_a_cell_at_the_foot_of_a_sheet_is_refused_without_reading_a_million_rows(leader, visits):
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(["Visits on time", "2025-10", 61])
    sheet.cell(row=1_048_576, column=1, value="stray")
    out = io.BytesIO()
    workbook.save(out)
    result = parse_values(out.getvalue(), "v.xlsx", authority=visits.authority, user=leader)
    assert result.file_errors == [
        "The file has more than 20,000 rows (blank ones included); delete the rows you do not need."
    ]


# The download --------------------------------------------------------------------------


def test_the_download_has_current_values_in_the_import_columns(
    client, viewer, leader, visits, plans, outsider
):
    old = _value(visits, dt.date(2025, 10, 1), "60", leader)
    MeasureValue.objects.create(
        measure=visits,
        period=old.period,
        value=Decimal(61),
        note="Recounted",
        corrects=old,
        entered_by=leader,
        entered_at=timezone.now(),
    )
    _value(plans, dt.date(2025, 7, 1), "40", leader, note="-2 on last quarter")
    _value(
        _measure(make_authority("Redcar and Cleveland"), outsider, "Theirs"),
        old.period,
        "9",
        outsider,
    )
    client.force_login(viewer)
    response = client.get(_export())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="middlesbrough-measure-values-'
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        HEADER + ",unit,frequency",
        "Plans reviewed,2025 Q3,40.00,,,'-2 on last quarter,Count,Quarterly",
        "Visits on time,2025-10,61.00,,,Recounted,Percentage,Monthly",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_imported_back_changes_nothing(client, leader, visits, plans, fmt):
    _value(visits, dt.date(2025, 10, 1), "60.5", leader, england_average=Decimal("70.25"))
    _value(visits, dt.date(2025, 11, 1), "61", leader, note="=cmd| looks like a formula")
    _value(plans, dt.date(2025, 7, 1), "40", leader, neighbours_average=Decimal(38))
    client.force_login(leader)
    data = client.get(_export(fmt)).content
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(data)).active["C2"].value == 40  # a real number
    body = _upload(client, data, f"values.{fmt}").content.decode()
    assert "3 rows: 0 to add, 0 to correct, 3 unchanged." in body
    assert _confirm(client).status_code == 302
    assert MeasureValue.objects.count() == 3


def test_the_page_lists_the_measures_the_person_may_enter(client, owner, visits, plans):
    client.force_login(owner)
    body = client.get(IMPORT).content.decode()
    assert "Visits on time (percentage, monthly)" in body
    assert "Plans reviewed" not in body


def test_checking_and_writing_take_the_same_queries_however_many_rows(client, leader, visits):
    client.force_login(leader)

    def queries(months: int, year: int) -> tuple[int, int]:
        rows = [f"Visits on time,{year + i // 12}-{i % 12 + 1:02},50,,," for i in range(months)]
        with CaptureQueriesContext(connection) as checking:
            _upload(client, _csv(*rows))
        with CaptureQueriesContext(connection) as writing:
            assert _confirm(client).status_code == 302
        inserts = sum("INSERT" in q["sql"] and "measurevalue" in q["sql"] for q in writing)
        return len(checking), len(writing) - inserts

    queries(1, 2000)  # the session and the person's roles are loaded once
    assert queries(3, 2001) == queries(36, 2002)
    assert MeasureValue.objects.count() == 40
