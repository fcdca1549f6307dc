import csv
import datetime as dt
import io
import random

import pytest
from django.urls import reverse

from improvement.management.commands.generate_synthetic import generate
from improvement.models import Status
from inspections.models import Grade, Inspection, JudgementArea
from tests.helpers import (
    make_action,
    make_evidence,
    make_finding,
    make_inspection,
    make_judgement,
    make_theme,
    make_update,
    streamed,
)

URL = reverse("improvement:dashboard")


@pytest.fixture
def plan(authority, owner, leader, action):
    """Two inspections; contingency planning raised in both."""
    inspection = action.findings.get().inspection
    make_judgement(inspection, JudgementArea.OVERALL, Grade.REQUIRES_IMPROVEMENT)
    contingency = make_theme("Contingency planning")
    oversight = make_theme("Management oversight")
    action.findings.get().themes.add(contingency)
    visit = make_inspection(
        authority, kind=Inspection.Kind.FOCUSED_VISIT, start_date=dt.date(2021, 5, 26)
    )
    old = make_finding(visit, text="Contingency planning in pre-proceedings.")
    old.themes.add(contingency, oversight)
    make_action(
        [old],
        title="Old action",
        owner=leader,
        status=Status.COMPLETE,
        completed_date=dt.date(2022, 1, 1),
    )
    no_plan = make_finding(inspection, text="Private fostering arrangements.")
    update = make_update(action, owner, status=Status.BLOCKED, note="Waiting for auditors.")
    action.status = Status.BLOCKED
    action.last_update_at = update.created_at
    action.save()
    make_evidence(action, owner)
    return {
        "visit": visit,
        "inspection": inspection,
        "no_plan": no_plan,
        "old": old,
        "action": action,
    }


def test_it_redirects_anonymous_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_someone_with_no_authority_sees_an_explanation(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("new"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "cannot see any local authority" in response.content.decode()


def test_an_outsider_sees_nothing_of_another_authority(client, outsider, plan, authority):
    client.force_login(outsider)
    response = client.get(URL)
    assert response.context["authority"].name == "Redcar and Cleveland"
    assert "quality of contingency planning" not in response.content.decode()
    assert client.get(URL, {"authority": authority.slug}).status_code == 404


def test_the_viewer_reads_the_dashboard(client, viewer, plan):
    client.force_login(viewer)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Requires improvement to be good" in body
    assert response.context["headline"]["findings_total"] == 3
    assert response.context["headline"]["findings_open"] == 2
    assert response.context["headline"]["actions_total"] == 2


def test_findings_roll_up_status_and_rag_from_their_actions(client, leader, plan):
    client.force_login(leader)
    rows = {f.pk: f for f in client.get(URL).context["page"].object_list}
    blocked = rows[plan["action"].findings.get().pk]
    assert (blocked.rollup_status, blocked.rollup_rag) == ("blocked", "red")
    assert blocked.evidence_count == 1
    assert blocked.last_update is not None
    assert [u.username for u in blocked.owners] == ["owner"]
    assert (rows[plan["no_plan"].pk].rollup_status, rows[plan["no_plan"].pk].rollup_rag) == (
        "no_actions",
        "red",
    )
    assert (rows[plan["old"].pk].rollup_status, rows[plan["old"].pk].rollup_rag) == (
        "complete",
        "blue",
    )


def test_recurring_themes_list_the_inspections_in_date_order(client, leader, plan):
    client.force_login(leader)
    recurring = client.get(URL).context["recurring"]
    assert [r["theme"] for r in recurring] == ["Contingency planning"]
    inspections = [i.pk for i, _ in recurring[0]["inspections"]]
    assert inspections == [plan["visit"].pk, plan["inspection"].pk]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 3),
        ({"theme": "contingency-planning"}, 2),
        ({"theme": "management-oversight"}, 1),
        ({"status": "blocked"}, 1),
        ({"status": "no_actions"}, 1),
        ({"status": "complete"}, 1),
        ({"open": "yes"}, 2),
        ({"rag": "red"}, 2),
        ({"rag": "blue"}, 1),
        ({"owner": "OWNER"}, 1),
        ({"q": "fostering"}, 1),
        ({"q": "Old action"}, 1),
        ({"judgement_area": "leadership"}, 0),
        ({"overdue": "yes"}, 0),
        ({"inspection": "VISIT"}, 1),
    ],
)
def test_finding_filters(client, leader, owner, plan, params, count):
    params = {
        k: {"OWNER": owner.pk, "VISIT": plan["visit"].pk}.get(v, v) for k, v in params.items()
    }
    client.force_login(leader)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_the_charts_have_table_alternatives(client, leader, plan):
    client.force_login(leader)
    response = client.get(URL)
    body = response.content.decode()
    assert 'role="img"' in body
    assert "Actions by status for each theme, as a table" in body
    assert "Progress over time, as a table" in body
    bars = {b["theme"]: b["counts"] for b in response.context["theme_chart"]["bars"]}
    # not started, in progress, blocked, ready for sign-off, complete
    assert bars == {
        "Contingency planning": [0, 0, 1, 0, 1],
        "Management oversight": [0, 0, 0, 0, 1],
    }


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"status": "blocked"}, "Blocked"),
        ({"q": "fostering"}, "Private fostering"),  # a search: DISTINCT, in the table's order
        ({"q": "Old action", "overdue": ""}, "pre-proceedings"),
    ],
)
def test_findings_export_applies_the_filters(client, leader, plan, params, shown):
    client.force_login(leader)
    response = client.get(reverse("improvement:findings_export", args=["csv"]), params)
    assert response["Content-Type"].startswith("text/csv")
    lines = streamed(response).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Authority,Inspection")
    assert shown in lines[1]


def test_findings_export_rolls_up_each_findings_actions(client, leader, plan, monkeypatch):
    """Each row says what the dashboard's table says of the finding, whichever chunk of
    findings it was read in (exports.FINDINGS_CHUNK_SIZE)."""
    from django.utils import timezone

    from improvement import exports

    monkeypatch.setattr(exports, "FINDINGS_CHUNK_SIZE", 2)
    client.force_login(leader)
    response = client.get(reverse("improvement:findings_export", args=["csv"]))
    header, *rows = csv.reader(io.StringIO(streamed(response).decode("utf-8-sig")))
    shown = {row[4]: dict(zip(header, row, strict=True)) for row in rows}
    columns = ["Themes", "Owners", "Status", "RAG", "Actions", "Evidence", "Last update"]
    updated = timezone.localtime(plan["action"].last_update_at).strftime("%Y-%m-%d %H:%M")
    assert {text: [row[c] for c in columns] for text, row in shown.items()} == {
        plan["action"].findings.get().text: [
            "Contingency planning",
            "Olive Owner",
            "Blocked",
            "Red",
            "1",
            "1",
            updated,
        ],
        "Contingency planning in pre-proceedings.": [
            "Contingency planning; Management oversight",
            "Lee Leader",
            "Complete",
            "Blue",
            "1",
            "0",
            "",
        ],
        "Private fostering arrangements.": ["", "", "No actions yet", "Red", "0", "0", ""],
    }
    # In the table's order: the newest inspection first, then as the report lists them.
    assert list(shown) == [row.finding.text for row in client.get(URL).context["page"].object_list]


def test_findings_export_as_xlsx(client, leader, plan):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(leader)
    response = client.get(reverse("improvement:findings_export", args=["xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row == 4
    assert sheet["E1"].value == "Finding"


def test_outsider_export_holds_nothing_of_another_authority(client, outsider, plan):
    client.force_login(outsider)
    response = client.get(reverse("improvement:findings_export", args=["csv"]))
    assert len(streamed(response).decode("utf-8-sig").strip().splitlines()) == 1


def _scale(n: int) -> None:
    generate(rng=random.Random(n), authorities=n, inspections=2, findings=4, actions=2, updates=2)


@pytest.mark.parametrize("path", ["improvement:dashboard", "improvement:action_list"])
def test_query_count_does_not_grow_with_the_data(
    client, django_user_model, path, django_assert_num_queries
):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    counts = []
    for n in (1, 4):
        _scale(n)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(path), {"authority": "synthetic-000"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_chart_coordinates_are_never_localised(client, leader, action, settings):
    """SVG numbers are machine numbers: a locale's thousand separator would break them."""
    settings.USE_THOUSAND_SEPARATOR = True
    settings.NUMBER_GROUPING = 3
    finding = action.findings.get()
    for n in range(40):  # 40 bars of BAR_PITCH (28): the chart is 1,120 high
        finding.themes.add(make_theme(f"Theme {n:02}"))
    client.force_login(leader)
    body = client.get(URL).content.decode()
    svg = body[body.index('aria-labelledby="chart-status-by-theme"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'viewBox="-180 -4 600 1128"' in svg
    assert 'y="1092"' in svg  # the last bar's
    assert "1,1" not in svg and "1,09" not in svg
