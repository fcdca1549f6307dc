import datetime as dt

import pytest
from django.urls import reverse

from improvement.models import Status
from tests.helpers import make_action

URL = reverse("improvement:my_actions")


def test_it_redirects_anonymous_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_lists_owned_actions_overdue_first_then_by_due_date(client, owner, action):
    today = dt.date.today()
    finding = action.findings.get()
    later = make_action([finding], title="Later", owner=owner, due_date=today + dt.timedelta(200))
    late = make_action([finding], title="Late", owner=owner, due_date=today - dt.timedelta(3))
    done_late = make_action(
        [finding],
        title="Done",
        owner=owner,
        due_date=today - dt.timedelta(30),
        status=Status.COMPLETE,
        completed_date=today - dt.timedelta(31),
    )
    client.force_login(owner)
    response = client.get(URL)
    assert list(response.context["actions"]) == [late, done_late, action, later]
    body = response.content.decode()
    assert "Overdue" in body
    assert "RAG: </span>Red" in body


def test_a_team_member_sees_the_team_actions(client, teammate, action):
    client.force_login(teammate)
    assert list(client.get(URL).context["actions"]) == [action]


@pytest.mark.parametrize("who", ["other_manager", "leader", "viewer", "outsider"])
def test_people_who_neither_own_it_nor_are_in_its_team_do_not_see_it(client, request, action, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["actions"]) == []
    assert "Audit contingency plans" not in response.content.decode()


def test_it_keeps_a_fixed_number_of_queries(client, owner, action, django_assert_max_num_queries):
    finding = action.findings.get()
    for i in range(15):
        make_action([finding], title=f"Action {i}", owner=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.context["actions"]) == 16


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("owner", "/my-actions/"), ("leader", "/"), ("viewer", "/")],
)
def test_each_role_lands_on_its_natural_page(client, request, action, who, lands_on):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("improvement:home"))
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_viewers_get_no_my_actions_tab(client, viewer, owner, action):
    client.force_login(viewer)
    assert "My actions" not in client.get(reverse("improvement:dashboard")).content.decode()
    client.force_login(owner)
    assert "My actions" in client.get(reverse("improvement:dashboard")).content.decode()
