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
