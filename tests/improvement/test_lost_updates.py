"""Two people writing to one action at once: one write wins, the other is refused, nothing is lost.

Each writer reads the action, waits for the other, then writes from what it
read. On PostgreSQL the writers run in two threads with their own connections
(a real race); on SQLite, which allows one writer at a time, they run one after
the other from the same stale read, which is the case a race produces.
"""

import itertools
import threading

import pytest
from django.db import close_old_connections, connection, transaction

from improvement.admin import ActionAdminForm
from improvement.bulk import apply_import, export_actions, parse_actions
from improvement.models import Action, Evidence
from improvement.services import (
    ActionChanged,
    action_override_rag,
    action_record_update,
    evidence_accept,
)
from tests.helpers import make_evidence


def _progress(action, people):
    def write():
        action_record_update(
            action=action,
            author=people["owner"],
            expected_version=action.version,
            status="blocked",
            note="No auditors.",
            due_date=action.due_date,
        )

    return write, lambda a: a.status == "blocked"


def _override(action, people):
    def write():
        action_override_rag(
            action=action,
            leader=people["leader"],
            rag="amber",
            reason="Slow.",
            expected_version=action.version,
        )

    return write, lambda a: a.rag_override == "amber"


def _bulk(action, people):
    data = export_actions(Action.objects.filter(pk=action.pk), "csv").decode("utf-8-sig")
    result = parse_actions(data.replace(action.title, "Renamed in bulk").encode(), "x.csv")
    assert result.is_valid, result.errors

    def write():
        apply_import(result)

    return write, lambda a: a.title == "Renamed in bulk"


def _admin_form(action, people):
    fields = ActionAdminForm.Meta.fields
    data = {name: getattr(action, name) for name in fields if name != "findings"}
    data |= {
        "authority": action.authority_id,
        "owner": action.owner_id,
        "team": action.team_id or "",
        "findings": [f.pk for f in action.findings.all()],
        "seen_version": action.version,
        "description": "Edited in the admin.",
    }
    data = {k: ("" if v is None else v) for k, v in data.items()}

    def write():
        with transaction.atomic():  # as the admin's change view does
            form = ActionAdminForm(data, instance=Action.objects.get(pk=action.pk))
            if not form.is_valid():
                raise ActionChanged(Action.objects.get(pk=action.pk), [], [])
            form.save()

    return write, lambda a: a.description == "Edited in the admin."


WRITERS = {"progress": _progress, "override": _override, "bulk": _bulk, "admin": _admin_form}


def _race(first, second) -> list[str]:
    """Run two writes; with real threads on PostgreSQL. Returns each one's outcome."""
    outcomes = ["", ""]

    def run(index, write, barrier):
        try:
            if barrier:
                barrier.wait(timeout=10)
            write()
            outcomes[index] = "written"
        except ActionChanged:
            outcomes[index] = "refused"
        finally:
            if barrier:
                close_old_connections()
                connection.close()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=run, args=(i, w, barrier))
            for i, w in enumerate((first, second))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    else:
        run(0, first, None)
        run(1, second, None)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(WRITERS, 2)))
def test_two_writers_never_lose_an_update(a, b, action, owner, leader):
    people = {"owner": owner, "leader": leader}
    stale = Action.objects.get(pk=action.pk)
    write_a, wrote_a = WRITERS[a](stale, people)
    write_b, wrote_b = WRITERS[b](Action.objects.get(pk=action.pk), people)

    outcomes = _race(write_a, write_b)

    final = Action.objects.get(pk=action.pk)
    assert sorted(outcomes) == ["refused", "written"], outcomes
    # The write that was accepted is there; the refused one left no trace.
    kept = [wrote_a(final), wrote_b(final)]
    assert kept == [o == "written" for o in outcomes]
    assert final.version == action.version + 1


@pytest.mark.django_db(transaction=True)
def test_two_leaders_accepting_one_evidence_keep_the_first(action, owner, leader):
    from django.contrib.auth.models import Group

    from improvement.models import Role
    from improvement.services import EvidenceAlreadyAccepted
    from tests.helpers import make_user

    second = make_user("second")
    second.groups.add(Group.objects.get_or_create(name=Role.LEADER.value)[0])
    action.authority.members.add(second)
    evidence = make_evidence(action, owner)
    results = []

    def accept(person):
        def write():
            try:
                evidence_accept(evidence=Evidence.objects.get(pk=evidence.pk), leader=person)
                results.append(person.username)
            except EvidenceAlreadyAccepted:
                results.append("refused")

        return write

    _race(accept(leader), accept(second))
    evidence.refresh_from_db()
    assert sorted(results) in (["leader", "refused"], ["refused", "second"])
    assert evidence.accepted_by.username in results
