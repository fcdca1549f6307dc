import datetime as dt
import html
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from improvement.models import Status
from tests.helpers import (
    make_action,
    make_authority,
    make_finding,
    make_inspection,
    make_theme,
    make_user,
    streamed,
)

URL = reverse("improvement:action_list")


@pytest.fixture
def actions(action, owner, leader):
    today = dt.date.today()
    finding = action.findings.get()
    finding.themes.add(make_theme("Contingency planning"))
    late = make_action(
        [finding], title="Late one", owner=leader, due_date=today - dt.timedelta(days=2)
    )
    soon = make_action(
        [finding], title="Soon one", owner=owner, due_date=today + dt.timedelta(days=10)
    )
    done = make_action(
        [finding],
        title="Done one",
        owner=owner,
        status=Status.COMPLETE,
        completed_date=today,
        due_date=today + dt.timedelta(days=5),
    )
    return {"main": action, "late": late, "soon": soon, "done": done}


def test_it_redirects_anonymous_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302


def test_an_outsider_sees_no_actions_of_another_authority(client, outsider, actions):
    client.force_login(outsider)
    assert client.get(URL).context["page"].paginator.count == 0


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({}, {"Audit contingency plans", "Late one", "Soon one", "Done one"}),
        ({"overdue": "yes"}, {"Late one"}),
        ({"due_within": "30"}, {"Soon one"}),
        ({"status": "complete"}, {"Done one"}),
        ({"rag": "red"}, {"Late one"}),
        ({"rag": "blue"}, {"Done one"}),
        ({"owner": "LEADER"}, {"Late one"}),
        ({"q": "soon"}, {"Soon one"}),
        (
            {"theme": "contingency-planning"},
            {"Audit contingency plans", "Late one", "Soon one", "Done one"},
        ),
        (
            {"authority": "middlesbrough"},
            {"Audit contingency plans", "Late one", "Soon one", "Done one"},
        ),
    ],
)
def test_action_filters(client, viewer, leader, actions, params, titles):
    params = {k: (leader.pk if v == "LEADER" else v) for k, v in params.items()}
    client.force_login(viewer)
    response = client.get(URL, params)
    assert {a.title for a in response.context["page"].object_list} == titles


def test_filters_survive_in_the_query_string_for_bookmarks(client, viewer, actions):
    client.force_login(viewer)
    response = client.get(URL, {"status": "complete", "page": "1"})
    assert response.context["querystring"] == "status=complete"
    assert "actions.csv?status=complete" in response.content.decode()


def test_actions_export_applies_a_search(client, viewer, actions):
    client.force_login(viewer)
    response = client.get(reverse("improvement:actions_export", args=["csv"]), {"q": "one"})
    rows = streamed(response).decode("utf-8-sig").strip().splitlines()[1:]
    assert sorted(row.split(",")[1] for row in rows) == ["Done one", "Late one", "Soon one"]


def test_actions_export_xlsx_applies_filters(client, viewer, actions):
    client.force_login(viewer)
    response = client.get(reverse("improvement:actions_export", args=["xlsx"]), {"overdue": "yes"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][1] == "Late one"
    assert sheet.max_row == 2


def test_csv_cells_cannot_become_formulas(client, viewer, actions):
    actions["late"].title = '=HYPERLINK("http://evil")'
    actions["late"].save()
    client.force_login(viewer)
    body = streamed(client.get(reverse("improvement:actions_export", args=["csv"]))).decode()
    assert "'=HYPERLINK" in body


def test_a_chosen_authority_narrows_the_inspection_and_owner_lists(client, leader, actions):
    """Someone who sees two authorities is offered only the chosen one's inspections and owners."""
    middlesbrough = actions["main"].authority
    redcar = make_authority("Redcar and Cleveland")
    redcar.members.add(leader)
    elsewhere = make_user("redcar.owner", first_name="Rita", last_name="Redcar")
    redcar.members.add(elsewhere)
    make_action(
        [make_finding(make_inspection(redcar, start_date=dt.date(2025, 12, 1)))],
        title="Sufficiency of homes",
        owner=elsewhere,
    )
    client.force_login(leader)
    for url in (URL, reverse("improvement:dashboard")):
        everything = client.get(url, {"authority": ""} if url == URL else {}).context["filter"]
        chosen = client.get(url, {"authority": middlesbrough.slug}).context["filter"]
        chosen_inspections = set(chosen.form.fields["inspection"].queryset)
        assert chosen_inspections == set(middlesbrough.inspections.all())
        assert elsewhere not in set(chosen.form.fields["owner"].queryset)
        if url == URL:  # the actions list can show every authority at once
            assert elsewhere in set(everything.form.fields["owner"].queryset)
            assert len(everything.form.fields["inspection"].queryset) == 2


def test_the_filters_options_name_what_they_offer_and_keep_the_choice(client, leader, actions):
    """The filters' options are read as plain rows (filters.PlainOptions): each shows the
    same value and words the model would, and the chosen one stays selected."""
    leader.first_name, leader.last_name = "Lee", "Leader"
    leader.save()
    authority = actions["main"].authority
    inspection = actions["main"].findings.get().inspection
    client.force_login(leader)
    response = client.get(URL, {"owner": leader.pk, "inspection": inspection.pk})
    page = html.unescape(response.content.decode())

    def options(name):
        select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', page, re.S)
        found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select[1])
        return [(value, words, bool(selected)) for value, selected, words in found]

    assert options("authority") == [("", "All", True), (authority.slug, authority.name, False)]
    assert options("inspection") == [
        ("", "All", False),
        (str(inspection.pk), str(inspection), True),
    ]
    assert (str(leader.pk), "Lee Leader", True) in options("owner")
    assert ("contingency-planning", "Contingency planning", False) in options("theme")
    assert "Owner: Lee Leader" in page
    assert {a.title for a in response.context["page"].object_list} == {"Late one"}
