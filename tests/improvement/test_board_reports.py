import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from improvement.models import BoardReport, Evidence, Status
from improvement.reports import build_report, compare_reports
from tests.helpers import make_update

Q1 = {"start": "2024-01-01", "end": "2024-03-31"}
Q2 = {"start": "2024-04-01", "end": "2024-06-30"}


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00"))


@pytest.fixture
def history(action, owner):
    """The action starts in 2023, moves to in progress in Q1 2024 and is blocked in Q2."""
    action.created_at = _at("2023-12-01")
    action.start_date = dt.date(2023, 12, 1)
    action.due_date = dt.date(2024, 5, 31)
    action.save()
    make_update(
        action,
        owner,
        Status.IN_PROGRESS,
        status_before=Status.NOT_STARTED,
        created_at=_at("2024-02-10"),
        note="Audit started.",
        due_date_before=dt.date(2024, 5, 31),
        due_date_after=dt.date(2024, 5, 31),
    )
    make_update(
        action,
        owner,
        Status.BLOCKED,
        status_before=Status.IN_PROGRESS,
        created_at=_at("2024-05-02"),
        note="No auditors.",
        due_date_before=dt.date(2024, 5, 31),
        due_date_after=dt.date(2024, 9, 30),
        due_date_reason="Auditors left.",
    )
    Evidence.objects.create(
        action=action,
        title="Audit plan",
        kind=Evidence.Kind.DOCUMENT,
        url="https://example.org/plan",
        added_by=owner,
        added_at=_at("2024-02-11"),
    )
    action.status = Status.BLOCKED
    action.due_date = dt.date(2024, 9, 30)
    action.save()
    return action


def _action_row(report: dict) -> dict:
    return report["findings"][0]["actions"][0]


def test_status_and_rag_at_the_start_and_end_of_the_period(history, authority):
    q1 = build_report(authority=authority, start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    row = _action_row(q1)
    assert row["start"]["status"] == Status.NOT_STARTED
    assert row["end"]["status"] == Status.IN_PROGRESS
    assert [u["note"] for u in row["updates"]] == ["Audit started."]
    assert [e["title"] for e in row["evidence"]] == ["Audit plan"]
    assert row["due_date_changes"] == []
    assert q1["summary"]["moved"] == 1

    q2 = build_report(authority=authority, start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))
    row = _action_row(q2)
    assert (row["start"]["status"], row["end"]["status"]) == (Status.IN_PROGRESS, Status.BLOCKED)
    assert row["end"]["rag"] == "red"
    assert row["end"]["due_date"] == "2024-09-30"
    assert row["due_date_changes"] == [
        {"at": "2024-05-02", "from": "2024-05-31", "to": "2024-09-30", "reason": "Auditors left."}
    ]
    assert row["evidence"] == []
    assert q2["summary"]["stuck"][0]["title"] == history.title
    assert q2["findings"][0]["status_end"] == "blocked"


def test_an_action_created_after_the_period_is_left_out(history, authority):
    report = build_report(authority=authority, start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31))
    assert _action_row(report)["end"]["exists"] is False
    assert report["summary"]["actions"] == 0


def test_overdue_at_the_end_of_the_period(history, authority):
    report = build_report(
        authority=authority, start=dt.date(2024, 10, 1), end=dt.date(2024, 12, 31)
    )
    assert _action_row(report)["overdue_at_end"] is True
    assert report["summary"]["overdue"] == 1


def test_compare_reports_lists_what_changed(history, authority):
    q1 = build_report(authority=authority, start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    q2 = build_report(authority=authority, start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))
    changes = {(c["change"], c["from"], c["to"]) for c in compare_reports(q1, q2)}
    assert ("Status", "in_progress", "blocked") in changes
    assert ("Due date", "2024-05-31", "2024-09-30") in changes


def test_reports_page_redirects_anonymous(client, db):
    response = client.get(reverse("improvement:report_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_viewer_previews_but_cannot_save(client, viewer, history):
    client.force_login(viewer)
    response = client.get(
        reverse("improvement:report_preview"), {"authority": "middlesbrough", **Q1}
    )
    assert response.status_code == 200
    assert "Save as board report" not in response.content.decode()
    response = client.post(
        reverse("improvement:report_save"), {"authority": "middlesbrough", "title": "x", **Q1}
    )
    assert response.status_code == 403
    assert BoardReport.objects.count() == 0


def test_an_outsider_cannot_report_on_another_authority(client, outsider, history):
    client.force_login(outsider)
    response = client.get(
        reverse("improvement:report_preview"), {"authority": "middlesbrough", **Q1}
    )
    assert "Choose a local authority you work for" in response.content.decode()
    assert "Audit contingency plans" not in response.content.decode()
    response = client.post(
        reverse("improvement:report_save"), {"authority": "middlesbrough", "title": "x", **Q1}
    )
    assert BoardReport.objects.count() == 0


def test_a_bad_period_is_refused_with_an_error_summary(client, leader, history):
    client.force_login(leader)
    response = client.get(
        reverse("improvement:report_preview"),
        {"authority": "middlesbrough", "start": "2024-06-01", "end": "2024-01-01"},
    )
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "The last day must be on or after the first day" in body


def test_a_saved_report_is_frozen(client, leader, owner, outsider, history):
    client.force_login(leader)
    response = client.post(
        reverse("improvement:report_save"),
        {"authority": "middlesbrough", "title": "Board Q1", **Q1},
    )
    report = BoardReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    before = client.get(report.get_absolute_url()).content.decode()
    assert "Audit started." in before

    make_update(
        history, owner, Status.COMPLETE, created_at=_at("2024-03-30"), note="Done after all."
    )
    after = client.get(report.get_absolute_url()).content.decode()
    assert "Done after all." not in after
    report.title = "Rewritten"
    with pytest.raises(ValidationError):
        report.save()
    with pytest.raises(ValidationError):
        report.delete()

    client.force_login(outsider)
    assert client.get(report.get_absolute_url()).status_code == 404


def test_a_saved_report_compares_with_the_previous_one(client, leader, history):
    client.force_login(leader)
    save = reverse("improvement:report_save")
    client.post(save, {"authority": "middlesbrough", "title": "Board Q1", **Q1})
    response = client.post(save, {"authority": "middlesbrough", "title": "Board Q2", **Q2})
    body = client.get(response["Location"]).content.decode()
    assert "What changed since the last board" in body
    assert "Board Q1" in body
    assert 'In progress</td><td class="govuk-table__cell" data-label="Now">Blocked' in body


def test_report_downloads_as_xlsx(client, leader, history):
    client.force_login(leader)
    response = client.get(
        reverse("improvement:report_preview"),
        {"authority": "middlesbrough", "format": "xlsx", **Q2},
    )
    sheet = load_workbook(BytesIO(response.content)).active
    # A title, the period, when it was made and what it covers, a blank line, the header,
    # then the rows.
    assert (
        sheet["A1"].value == "Middlesbrough improvement plan: progress 1 April 2024 to 30 June 2024"
    )
    assert sheet["A2"].value == "Period: 1 April 2024 to 30 June 2024"
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Finding")
    row = dict(zip(rows[header], rows[header + 1], strict=True))
    assert row["Action"] == history.title
    assert row["Status at end"] == "Blocked"
    assert "Auditors left." in row["Due date changes in period"]
    assert response["Content-Disposition"] == (
        'attachment; filename="middlesbrough-board-report-2024-04-01-to-2024-06-30.xlsx"'
    )
