"""Leaders build the plan in the browser: add, edit, reassign, link findings."""

import datetime as dt

import pytest
from django.urls import reverse

from improvement.models import Action
from tests.helpers import make_authority, make_finding, make_inspection

TODAY = dt.date.today()


@pytest.fixture
def finding(action):
    return action.findings.get()


def _add(client, finding, **fields):
    data = {
        "title": "Train team managers in contingency planning",
        "description": "",
        "owner": "",
        "team": "",
        "partner_agency": "",
        "priority": "high",
        "start_date": TODAY.isoformat(),
        "due_date": (TODAY + dt.timedelta(days=90)).isoformat(),
        "success_measure": "Audits rate 80% of plans good.",
    } | fields
    return client.post(reverse("improvement:action_add", args=[finding.pk]), data)


ROLES = [("anonymous", 302), ("outsider", 404), ("viewer", 403), ("owner", 403), ("leader", 200)]


@pytest.mark.parametrize(("who", "status"), ROLES)
def test_who_may_open_the_add_an_action_page(client, request, finding, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("improvement:action_add", args=[finding.pk])).status_code == status


@pytest.mark.parametrize(("who", "status"), ROLES)
def test_who_may_open_the_edit_and_findings_pages(client, request, action, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for name in ("improvement:action_edit", "improvement:action_findings"):
        assert client.get(reverse(name, args=[action.pk])).status_code == status


@pytest.mark.parametrize("who", ["outsider", "viewer", "owner"])
def test_only_leaders_add_actions(client, request, finding, who):
    client.force_login(request.getfixturevalue(who))
    _add(client, finding)
    assert Action.objects.count() == 1


def test_a_leader_adds_an_action_owned_by_a_member(client, leader, owner, finding):
    client.force_login(leader)
    response = _add(client, finding, owner=owner.pk)
    assert response.status_code == 302
    added = Action.objects.get(title="Train team managers in contingency planning")
    assert list(added.findings.all()) == [finding]
    assert added.owner == owner
    assert added.original_due_date == added.due_date
    assert added.history.earliest().history_change_reason == "Added by Lee Leader"


def test_owners_are_chosen_from_the_authoritys_members_with_a_role(
    client, leader, finding, outsider, viewer, other_manager
):
    client.force_login(leader)
    page = client.get(reverse("improvement:action_add", args=[finding.pk]))
    owners = set(page.context["form"].fields["owner"].queryset.values_list("username", flat=True))
    assert owners == {"owner", "teammate", "other_manager", "leader"}
    response = _add(client, finding, owner=outsider.pk)
    assert "Select a valid choice" in response.content.decode()
    assert Action.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Enter a title for the action"),
        ({"due_date": ""}, "Enter the date the action is due"),
        ({"due_date": "2020-01-01"}, "A due date cannot be moved into the past"),
        (
            {"start_date": (TODAY + dt.timedelta(days=100)).isoformat()},
            "The start date must be on or before the due date",
        ),
        ({"title": "T" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_a_new_action_needs_a_title_and_dates_that_mean_something(
    client, leader, finding, fields, message
):
    client.force_login(leader)
    response = _add(client, finding, **fields)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body
    assert Action.objects.count() == 1


def _edit_data(action, **fields):
    return {
        "version": action.version,
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id or "",
        "team": action.team_id or "",
        "partner_agency": action.partner_agency,
        "priority": action.priority,
        "start_date": action.start_date.isoformat() if action.start_date else "",
        "success_measure": action.success_measure,
    } | fields


def test_a_leader_reassigns_an_action_and_it_is_in_the_history(client, leader, teammate, action):
    client.force_login(leader)
    response = client.post(
        reverse("improvement:action_edit", args=[action.pk]),
        _edit_data(action, owner=teammate.pk, title="Audit every contingency plan"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.title) == (teammate, "Audit every contingency plan")
    assert action.history.first().history_change_reason == "Edited by Lee Leader"


def test_an_edit_from_a_stale_page_is_refused(client, leader, owner, action):
    data = _edit_data(action, title="Renamed")
    action.status = "blocked"
    action.save()
    client.force_login(leader)
    response = client.post(reverse("improvement:action_edit", args=[action.pk]), data)
    assert response.status_code == 409
    assert "Someone else changed this action" in response.content.decode()
    action.refresh_from_db()
    assert action.title == "Audit contingency plans"


def test_a_leader_links_and_unlinks_findings_of_the_authority_only(client, leader, action):
    first = action.findings.get()
    second = make_finding(first.inspection, text="Private fostering.", order=2)
    elsewhere = make_finding(make_inspection(make_authority("Hartlepool")))
    url = reverse("improvement:action_findings", args=[action.pk])
    client.force_login(leader)
    offered = client.get(url).context["form"].fields["findings"].queryset
    assert set(offered) == {first, second}

    response = client.post(url, {"version": action.version, "findings": [second.pk]})
    assert response.status_code == 302
    assert list(action.findings.all()) == [second]

    action.refresh_from_db()
    response = client.post(url, {"version": action.version, "findings": [elsewhere.pk]})
    assert "Select a valid choice" in response.content.decode()
    response = client.post(url, {"version": action.version, "findings": []})
    assert "Choose at least one finding" in response.content.decode()
    assert list(action.findings.all()) == [second]
