import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_the_roles_migration_makes_three_groups_with_their_permissions():
    perms = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert set(perms) == {"Leaders", "Managers", "Viewers"}
    assert "view_action" in perms["Viewers"]
    assert not any(p.startswith(("add_", "change_", "delete_")) for p in perms["Viewers"])
    assert {"change_action", "add_progressupdate", "add_evidence"} <= perms["Managers"]
    assert "change_evidence" in perms["Leaders"]
    assert "change_evidence" not in perms["Managers"]


def test_a_signed_in_persons_roles_load_with_them_and_cost_no_query(
    client, leader, owner, viewer, authority
):
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from improvement.access import has_role
    from improvement.choices import Role

    owner.groups.add(Group.objects.get(name=Role.VIEWER))  # two roles at once
    for person, roles, my_actions in [
        (leader, {Role.LEADER}, True),
        (owner, {Role.MANAGER, Role.VIEWER}, True),
        (viewer, {Role.VIEWER}, False),
    ]:
        client.force_login(person)
        response = client.get(reverse("improvement:dashboard"))
        user = response.wsgi_request.user
        with CaptureQueriesContext(connection) as queries:
            held = {role for role in Role if has_role(user, role)}
        assert held == roles
        assert not queries.captured_queries
        assert ("My actions</a>" in response.content.decode()) is my_actions


def test_a_person_made_inactive_is_signed_out_on_their_next_request(client, leader):
    from django.urls import reverse

    client.force_login(leader)
    assert client.get(reverse("improvement:dashboard")).status_code == 200
    leader.is_active = False
    leader.save()
    assert client.get(reverse("improvement:dashboard")).status_code == 302
