"""The fixed cast for the improvement plan's views.

- owner: a manager who owns the action
- teammate: a manager in the team that owns the action
- other_manager: a manager of the same authority who neither owns it nor is in its team
- leader, viewer: of the same authority
- outsider: a leader of another authority
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from improvement.models import Role
from tests.helpers import make_action, make_authority, make_finding, make_team, make_user


def _member(username: str, role: Role, authority, **fields):
    user = make_user(username, **fields)
    # get_or_create: transactional tests flush the roles the data migration made.
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    authority.members.add(user)
    return user


@pytest.fixture
def authority(db):
    return make_authority("Middlesbrough")


@pytest.fixture
def owner(authority):
    return _member("owner", Role.MANAGER, authority, first_name="Olive", last_name="Owner")


@pytest.fixture
def teammate(authority):
    return _member("teammate", Role.MANAGER, authority)


@pytest.fixture
def other_manager(authority):
    return _member("other_manager", Role.MANAGER, authority)


@pytest.fixture
def leader(authority):
    return _member("leader", Role.LEADER, authority, first_name="Lee", last_name="Leader")


@pytest.fixture
def viewer(authority):
    return _member("viewer", Role.VIEWER, authority)


@pytest.fixture
def outsider(db):
    return _member("outsider", Role.LEADER, make_authority("Redcar and Cleveland"))


@pytest.fixture
def action(authority, owner, teammate):
    finding = make_finding(text="The quality of contingency planning.")
    return make_action(
        [finding],
        title="Audit contingency plans",
        owner=owner,
        team=make_team("Children in care", members=[teammate]),
        start_date=dt.date.today() - dt.timedelta(days=10),
        due_date=dt.date.today() + dt.timedelta(days=80),
        original_due_date=dt.date.today() + dt.timedelta(days=80),
    )
