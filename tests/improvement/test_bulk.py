"""Bulk export and import of actions: round trips, row-by-row errors, all or nothing."""

import csv
import datetime as dt
import io

import pytest

from improvement.bulk import COLUMNS, apply_import, export_actions, parse_actions
from improvement.models import Action, Status
from tests.helpers import make_action, make_finding, make_inspection, make_team

pytestmark = pytest.mark.django_db

FIELDS = [
    "authority_id",
    "title",
    "description",
    "owner_id",
    "team_id",
    "partner_agency",
    "priority",
    "start_date",
    "original_due_date",
    "due_date",
    "status",
    "completed_date",
    "success_measure",
]


@pytest.fixture
def plan(owner, teammate):
    inspection = make_inspection(start_date=dt.date(2023, 3, 13))
    first = make_finding(inspection, text="Planning.")
    second = make_finding(inspection, text="Oversight.")
    undated = make_finding(make_inspection(kind="focused_visit", start_date=None))
    team = make_team("Assessment service", members=[teammate])
    actions = [
        make_action(
            [first],
            title="Audit plans",
            owner=owner,
            team=team,
            priority="high",
            start_date=dt.date(2023, 6, 1),
            original_due_date=dt.date(2024, 3, 31),
            due_date=dt.date(2024, 6, 30),
            description="=SUM(A1) looks like a formula",
            partner_agency="Police",
        ),
        make_action(
            [first, second, undated],
            title="Tracking",
            status=Status.COMPLETE,
            completed_date=dt.date(2024, 1, 5),
            success_measure="Fewer long plans.",
        ),
    ]
    return actions


def _snapshot():
    return [
        ([getattr(a, f) for f in FIELDS], sorted(a.findings.values_list("pk", flat=True)))
        for a in Action.objects.order_by("pk")
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_back_the_same_data(plan, fmt):
    before = _snapshot()
    data = export_actions(Action.objects.all(), fmt)

    Action.objects.filter(pk=plan[0].pk).update(title="Changed", due_date=None, priority="low")
    plan[1].findings.set([plan[1].findings.first()])
    result = parse_actions(data, f"actions.{fmt}")
    assert result.is_valid, result.errors
    assert result.counts == {"create": 0, "update": 2, "unchanged": 0}
    apply_import(result)
    assert _snapshot() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_an_unchanged_export_changes_nothing(plan, fmt):
    data = export_actions(Action.objects.all(), fmt)
    history = sum(a.history.count() for a in Action.objects.all())
    result = parse_actions(data, f"actions.{fmt}")
    assert result.counts == {"create": 0, "update": 0, "unchanged": 2}
    assert apply_import(result) == {"created": 0, "updated": 0, "unchanged": 2}
    assert sum(a.history.count() for a in Action.objects.all()) == history


def test_rows_without_an_id_create_actions_with_history(plan):
    data = export_actions(Action.objects.filter(pk=plan[0].pk), "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    rows[0]["id"] = ""
    rows[0]["title"] = "A new action"
    result = parse_actions(_csv(rows), "new.csv")
    assert result.counts["create"] == 1
    apply_import(result)
    new = Action.objects.get(title="A new action")
    assert list(new.findings.all()) == list(plan[0].findings.all())
    assert new.history.first().history_change_reason == "Bulk import"


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(**changes) -> dict:
    row = {c: "" for c in COLUMNS}
    row.update(
        authority="Middlesbrough",
        findings="2023-03-13 standard #1",
        title="New",
        status="Not started",
    )
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"owner": "jbloggs"}, "Row 2, owner: no user called 'jbloggs'"),
        (
            {"findings": "2023-03-13 standard #9"},
            "Row 2, findings: no finding '2023-03-13 standard #9' for Middlesbrough",
        ),
        ({"findings": "rec one"}, "Row 2, findings: no finding 'rec one' for Middlesbrough"),
        (
            {"due_date": "31/02/2024"},
            "Row 2, due_date: '31/02/2024' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        ),
        ({"status": "Nearly done"}, "Row 2, status: 'Nearly done' is not a status"),
        ({"team": "Nobody"}, "Row 2, team: no team called 'Nobody'"),
        ({"authority": "Atlantis"}, "Row 2, authority: no local authority called 'Atlantis'"),
        ({"title": ""}, "Row 2, title: this column must not be empty"),
        ({"status": "Complete"}, "Row 2, completed_date: a complete action needs a completed date"),
        ({"id": "99999"}, "Row 2, id: there is no action 99999"),
        ({"priority": "urgent"}, "Row 2, priority: 'urgent' is not a priority"),
    ],
)
def test_each_bad_value_is_named_with_its_row_and_column(plan, changes, message):
    result = parse_actions(_csv([_row(**changes)]), "bad.csv")
    assert not result.is_valid
    assert any(e.startswith(message) for e in result.errors), result.errors


def test_an_id_of_another_authority_is_refused(plan, outsider):
    result = parse_actions(
        _csv([_row(id=str(plan[0].pk), authority="Redcar and Cleveland")]), "x.csv"
    )
    assert any("belongs to Middlesbrough, not Redcar and Cleveland" in e for e in result.errors)


def test_duplicate_ids_are_refused(plan):
    rows = [_row(id=str(plan[0].pk)), _row(id=str(plan[0].pk))]
    result = parse_actions(_csv(rows), "dup.csv")
    assert f"Row 3, id: action {plan[0].pk} is also on row 2" in result.errors


def test_one_bad_row_in_fifty_writes_nothing(plan):
    rows = [_row(title=f"Action {n}") for n in range(50)]
    rows[37]["due_date"] = "soon"
    result = parse_actions(_csv(rows), "fifty.csv")
    assert result.errors == [
        "Row 39, due_date: 'soon' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    ]
    with pytest.raises(ValueError):
        apply_import(result)
    assert Action.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"title,status\nx,y\n", "short.csv", "The header row is missing these columns: id,"),
        (b"\x89PNG\r\n", "photo.png", "Upload a .csv or .xlsx file."),
        (b"not a zip", "broken.xlsx", "The file is not a readable Excel (.xlsx) workbook."),
        (
            ",".join(COLUMNS).encode() + b"\n",
            "header.csv",
            "The file has a header row but no actions.",
        ),
        ("id\n\xe9".encode("latin-1"), "latin.csv", "The CSV file must be saved as UTF-8."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(db, data, name, message):
    result = parse_actions(data, name)
    assert not result.is_valid
    assert result.errors[0].startswith(message)
