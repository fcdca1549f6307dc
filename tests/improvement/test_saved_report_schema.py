"""Saved board reports are a versioned format: old ones keep rendering, unknown ones say so."""

import json
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from improvement.models import BoardReport, UnreadableReport

# A report as saved by the code of November 2026 (schema version 1), kept as it was.
SAVED_V1 = Path(__file__).parent.parent / "data" / "board_report_v1.json"


def _saved(authority, leader, data: dict) -> BoardReport:
    return BoardReport.objects.create(
        authority=authority,
        title="Board, April to June 2024",
        period_start="2024-04-01",
        period_end="2024-06-30",
        data=data,
        created_by=leader,
        created_at=timezone.now(),
    )


def test_a_report_saved_by_earlier_code_still_renders(client, authority, leader):
    report = _saved(authority, leader, json.loads(SAVED_V1.read_text()))
    client.force_login(leader)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Audit contingency plans" in body
    assert "No auditors." in body
    assert "A finding with no actions yet." in body
    assert "Measures</h4>" not in body  # version 1 predates them

    xlsx = client.get(reverse("improvement:report_xlsx", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Board, April to June 2024"
    header = rows.index(next(r for r in rows if r and r[0] == "Finding"))
    row = dict(zip(rows[header], rows[header + 1], strict=True))
    assert row["Action"] == "Audit contingency plans"
    assert row["Status at end"] == "Blocked"


def test_a_report_in_an_unknown_schema_is_refused_on_read(client, authority, leader):
    data = json.loads(SAVED_V1.read_text()) | {"version": 99}
    report = _saved(authority, leader, data)
    with pytest.raises(UnreadableReport, match="schema version 99"):
        report.content()
    client.force_login(leader)
    response = client.get(report.get_absolute_url())
    assert response.status_code == 409
    assert "cannot be shown" in response.content.decode()
    xlsx = client.get(reverse("improvement:report_xlsx", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 409


def test_a_report_with_no_version_is_refused(authority, leader):
    report = _saved(authority, leader, {"findings": []})
    with pytest.raises(UnreadableReport):
        report.content()


def test_todays_reports_are_written_in_the_current_schema(client, authority, leader):
    client.force_login(leader)
    response = client.post(
        reverse("improvement:report_save"),
        {"authority": authority.slug, "start": "2024-01-01", "end": "2024-03-31", "title": "Q1"},
    )
    assert response.status_code == 302
    saved = BoardReport.objects.get()
    assert saved.data["version"] == BoardReport.SCHEMA_VERSION
    assert saved.content() is saved.data
