"""Downloads at scale: CSV streamed a chunk of rows at a time, and a download over
EXPORT_INLINE_MAX_ROWS written in the background (ExportJob) rather than sent."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from improvement import tables
from improvement.exports import ACTION_COLUMNS
from improvement.models import ExportJob, ExportKind, ExportStatus, Status
from tests.helpers import make_action, make_authority, make_finding, make_inspection, streamed

ACTIONS_CSV = reverse("improvement:actions_export", args=["csv"])
ACTIONS_XLSX = reverse("improvement:actions_export", args=["xlsx"])
FINDINGS_CSV = reverse("improvement:findings_export", args=["csv"])
DOWNLOADS = reverse("improvement:export_list")


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _more_actions(action, n: int, **fields) -> None:
    finding = action.findings.get()
    for i in range(n):
        make_action(
            [finding],
            title=f"Action {i}",
            due_date=dt.date.today() + dt.timedelta(days=100 + i),
            **fields,
        )


def test_the_streamed_csv_has_the_columns_and_values_it_always_had(client, leader, action):
    action.last_update_at = dt.datetime(2026, 1, 5, 14, 30, tzinfo=dt.UTC)
    action.save()
    client.force_login(leader)
    response = client.get(ACTIONS_CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="all-authorities-')
    assert response["Cache-Control"] == "private, no-store"
    body = streamed(response)
    assert body.startswith("\ufeff".encode())
    header, row = _rows(body)
    assert header == [c.header for c in ACTION_COLUMNS]
    assert row == [
        "Middlesbrough",
        "Audit contingency plans",
        "Standard inspection, March 2023, #1: The quality of contingency planning.",
        "Olive Owner",
        "Children in care",
        "Not started",
        "Green",
        str(action.start_date),
        str(action.original_due_date),
        str(action.due_date),
        "",
        "2026-01-05 14:30",
    ]


def test_rows_read_in_several_chunks_come_out_whole_and_in_order(
    client, leader, action, monkeypatch
):
    _more_actions(action, 6)
    monkeypatch.setattr(tables, "CHUNK_SIZE", 2)
    monkeypatch.setattr(tables, "CSV_ROWS_PER_PIECE", 3)
    client.force_login(leader)
    response = client.get(ACTIONS_CSV)
    pieces = list(response.streaming_content)
    assert len(pieces) == 3  # the header and 3 rows, 3 rows, the last row
    rows = _rows(b"".join(pieces))[1:]
    assert [row[1] for row in rows] == ["Audit contingency plans"] + [
        f"Action {i}" for i in range(6)
    ]
    finding = "Standard inspection, March 2023, #1: The quality of contingency planning."
    assert {row[2] for row in rows} == {finding}  # each chunk's findings found


def test_the_queries_grow_with_the_chunks_not_the_rows(client, leader, action, monkeypatch):
    monkeypatch.setattr(tables, "CHUNK_SIZE", 100)
    client.force_login(leader)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            streamed(client.get(ACTIONS_CSV))
        return len(captured)

    few = queries()
    _more_actions(action, 20, owner=leader)
    assert queries() == few


def test_formulas_stay_harmless_when_streamed(client, leader, action):
    action.title = "=cmd|' /C calc'!A0"
    action.save()
    client.force_login(leader)
    assert "'=cmd" in streamed(client.get(ACTIONS_CSV)).decode("utf-8-sig")


def test_a_small_export_is_sent_at_once(client, leader, action, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(leader)
    assert client.get(ACTIONS_XLSX).status_code == 200
    assert not ExportJob.objects.exists()


def test_a_large_export_is_written_in_the_background(client, leader, action, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    _more_actions(action, 2)
    _more_actions(action, 1, status=Status.BLOCKED)
    client.force_login(leader)
    response = client.get(ACTIONS_CSV, {"status": "not_started"})
    assert response.status_code == 302
    assert response["Location"] == DOWNLOADS
    assert "being prepared" in str(next(iter(get_messages(response.wsgi_request))))
    job = ExportJob.objects.get()
    assert job.requested_by == leader
    assert (job.kind, job.fmt, job.querystring) == (ExportKind.ACTIONS, "csv", "status=not_started")
    assert list(job.authorities.all()) == [action.authority]
    # Tests run tasks at once: the file is written.
    assert job.status == ExportStatus.READY
    assert job.row_count == 3
    assert job.finished_at is not None
    with job.file.open("rb") as handle:
        rows = _rows(handle.read())
    assert rows[0] == [c.header for c in ACTION_COLUMNS]
    assert sorted(r[1] for r in rows[1:]) == ["Action 0", "Action 1", "Audit contingency plans"]


def test_a_large_excel_export_is_a_workbook_of_every_row(client, leader, action, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    _more_actions(action, 2)
    client.force_login(leader)
    client.get(ACTIONS_XLSX)
    job = ExportJob.objects.get()
    assert job.filename.endswith("-actions-" + dt.date.today().isoformat() + ".xlsx")
    with job.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet.max_row == 4
    assert sheet["B2"].value == "Audit contingency plans"


def test_a_background_export_holds_only_the_authorities_the_person_saw(
    client, leader, action, settings
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    elsewhere = make_authority("Redcar and Cleveland")
    make_action([make_finding(make_inspection(elsewhere))], title="Not theirs")
    client.force_login(leader)
    client.get(ACTIONS_CSV)
    job = ExportJob.objects.get()
    assert list(job.authorities.all()) == [action.authority]
    with job.file.open("rb") as handle:
        assert "Not theirs" not in handle.read().decode("utf-8-sig")


def test_a_large_findings_export_is_written_in_the_background(client, leader, action, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    client.force_login(leader)
    response = client.get(FINDINGS_CSV, {"authority": action.authority.slug})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.kind == ExportKind.FINDINGS
    assert job.filename.startswith("middlesbrough-findings-")
    with job.file.open("rb") as handle:
        rows = _rows(handle.read())
    assert rows[1][4] == "The quality of contingency planning."


def test_the_admins_large_export_is_written_in_the_background(client, action, settings):
    from django.contrib.auth import get_user_model

    settings.EXPORT_INLINE_MAX_ROWS = 0
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    response = client.get(reverse("admin:improvement_action_export", args=["xlsx"]))
    assert response["Location"] == DOWNLOADS
    job = ExportJob.objects.get()
    assert job.kind == ExportKind.ACTIONS_FOR_IMPORT
    with job.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert [c.value for c in sheet[1]][:4] == ["id", "authority", "findings", "title"]
    assert sheet["D2"].value == "Audit contingency plans"


def test_a_failed_export_records_why(client, leader, action, settings, monkeypatch):
    from improvement.services import exports

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(exports, "write_table", broken)
    settings.EXPORT_INLINE_MAX_ROWS = 0
    client.force_login(leader)
    client.get(ACTIONS_CSV)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED
    assert "No space left on device" in job.error
    assert job.finished_at is not None
    assert not job.file
    page = client.get(DOWNLOADS).content.decode()
    assert "It could not be prepared" in page


@pytest.mark.parametrize("url", [ACTIONS_CSV, FINDINGS_CSV])
def test_invalid_filters_are_refused_before_anything_is_queued(client, leader, action, url):
    client.force_login(leader)
    assert client.get(url, {"authority": "atlantis"}).status_code == 404
    assert not ExportJob.objects.exists()


@pytest.fixture
def no_worker(settings):
    """Tasks are queued and nothing runs them: a worker stopped, or not started."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_the_same_download_asked_for_twice_is_queued_once(
    client, leader, action, settings, no_worker
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    client.force_login(leader)
    for _ in range(2):
        assert client.get(ACTIONS_CSV, {"status": "not_started"}).status_code == 302
    assert ExportJob.objects.get().status == ExportStatus.QUEUED
    client.get(ACTIONS_XLSX, {"status": "not_started"})  # another format: another download
    assert ExportJob.objects.count() == 2


def test_a_person_may_have_only_so_many_downloads_waiting(
    client, leader, action, settings, no_worker
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    settings.EXPORT_QUEUE_LIMIT = 2
    client.force_login(leader)
    client.get(ACTIONS_CSV, {"status": "not_started"}, follow=True)  # its message shown
    client.get(ACTIONS_CSV, follow=True)
    response = client.get(ACTIONS_CSV, {"authority": action.authority.slug}, follow=True)
    assert ExportJob.objects.count() == 2
    page = response.content.decode()
    assert "You already have 2 downloads being prepared" in page
    assert "being prepared in the background" not in page
    # One finishes (or fails): there is room again.
    ExportJob.objects.filter(querystring="status=not_started").update(status=ExportStatus.FAILED)
    client.get(ACTIONS_CSV, {"authority": action.authority.slug})
    assert ExportJob.objects.count() == 3


def test_a_download_left_unfinished_by_a_stopped_worker_shows_as_failed(
    client, leader, action, settings, no_worker
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    settings.EXPORT_STALLED_MINUTES = 30
    client.force_login(leader)
    client.get(ACTIONS_CSV, {"status": "not_started"})
    client.get(FINDINGS_CSV)
    waiting, running = ExportJob.objects.order_by("pk")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    ExportJob.objects.filter(pk=running.pk).update(
        status=ExportStatus.RUNNING, started_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=29)
    )
    page = client.get(DOWNLOADS).content.decode()
    assert page.count("it stopped before it was finished") == 1
    waiting.refresh_from_db()
    running.refresh_from_db()
    assert (waiting.status, running.status) == (ExportStatus.FAILED, ExportStatus.RUNNING)
    # Asking again queues it afresh; a worker that comes back still writes the old one.
    client.get(ACTIONS_CSV, {"status": "not_started"})
    assert ExportJob.objects.filter(querystring="status=not_started").count() == 2
    from improvement.services.exports import export_write

    export_write(job=ExportJob.objects.get(pk=waiting.pk))
    waiting.refresh_from_db()
    assert (waiting.status, waiting.error, waiting.row_count) == (ExportStatus.READY, "", 1)


def test_clean_exports_marks_downloads_left_unfinished(leader, action, settings, no_worker):
    from django.core.management import call_command

    from improvement.services.exports import export_request

    settings.EXPORT_STALLED_MINUTES = 30
    job = export_request(
        user=leader, kind=ExportKind.ACTIONS, fmt="csv", querystring="", filename="a.csv"
    )
    out = io.StringIO()
    call_command("clean_exports", stdout=out)
    assert "Marked" not in out.getvalue()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, started_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    call_command("clean_exports", stdout=out)
    assert "Marked 1 export failed: unfinished after 30 minutes." in out.getvalue()
    assert ExportJob.objects.get().status == ExportStatus.FAILED
