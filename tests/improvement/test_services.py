"""Every service that writes checks permission itself, whoever calls it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from improvement.models import BoardReport, Status
from improvement.services import (
    action_override_rag,
    action_record_update,
    board_report_save,
    evidence_accept,
)
from tests.helpers import make_evidence


@pytest.mark.parametrize("who", ["owner", "teammate", "viewer", "outsider", "other_manager"])
def test_only_a_leader_of_the_authority_overrides_the_rag(request, action, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        action_override_rag(
            action=action, leader=person, rag="amber", reason="Slow.", expected_version=1
        )
    action.refresh_from_db()
    assert action.rag_override == ""


def test_a_leader_overrides_the_rag(action, leader):
    action_override_rag(
        action=action, leader=leader, rag="amber", reason="Slow.", expected_version=action.version
    )
    action.refresh_from_db()
    assert (action.rag_override, action.rag) == ("amber", "amber")


@pytest.mark.parametrize("who", ["owner", "viewer", "outsider"])
def test_only_a_leader_of_the_authority_accepts_evidence(request, action, owner, who):
    evidence = make_evidence(action, owner)
    with pytest.raises(PermissionDenied):
        evidence_accept(evidence=evidence, leader=request.getfixturevalue(who))
    evidence.refresh_from_db()
    assert evidence.accepted_by is None


def test_a_leader_accepts_evidence(action, owner, leader):
    evidence = evidence_accept(evidence=make_evidence(action, owner), leader=leader)
    evidence.refresh_from_db()
    assert evidence.accepted_by == leader


@pytest.mark.parametrize("who", ["viewer", "outsider", "other_manager"])
def test_only_those_who_may_update_record_progress(request, action, who):
    with pytest.raises(PermissionDenied):
        action_record_update(
            action=action,
            author=request.getfixturevalue(who),
            expected_version=action.version,
            status=Status.IN_PROGRESS,
            note="Started.",
            due_date=action.due_date,
        )
    assert action.updates.count() == 0


@pytest.mark.parametrize("who", ["owner", "viewer", "outsider"])
def test_only_a_leader_of_the_authority_saves_a_board_report(request, authority, who):
    with pytest.raises(PermissionDenied):
        board_report_save(
            authority=authority,
            author=request.getfixturevalue(who),
            title="Q1",
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 3, 31),
        )
    assert not BoardReport.objects.exists()


def test_evidence_is_accepted_once_and_the_first_acceptor_stands(action, owner, leader, authority):
    from django.contrib.auth.models import Group

    from improvement.models import Role
    from improvement.services import EvidenceAlreadyAccepted
    from tests.helpers import make_user

    second = make_user("second_leader")
    second.groups.add(Group.objects.get(name=Role.LEADER.value))
    authority.members.add(second)
    evidence = evidence_accept(evidence=make_evidence(action, owner), leader=leader)
    with pytest.raises(EvidenceAlreadyAccepted, match="already accepted by Lee Leader"):
        evidence_accept(evidence=evidence, leader=second)
    evidence.refresh_from_db()
    assert evidence.accepted_by == leader
