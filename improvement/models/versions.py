"""Each authority's plan versions: what retires a cached copy of its dashboard.

Every write that can change what an authority's dashboard shows appends a
PlanChange row for that authority (None: every authority) inside the writer's
own transaction, from signals (improvement/signals.py), so no writer can skip
it: views, services, the admin, imports and fixtures alike. Appending takes no
lock another writer waits for, and the row commits with the data it announces:
a reader sees the new version only with the new data.

The versions are a fingerprint of the rows present (how many, and the sum of their
ids), not the newest id: transactions commit in any order, so a change with a
smaller id can commit after one with a larger, and a newest id would not move
for it. Every commit adds a row with a new id; rows are pruned only once an hour
old (keeping each scope's newest), so any row a commit adds has a larger id than
any row pruned beside it, and the fingerprint moves with every commit.

A change has a scope. Most writes are progress (`Scope.PROGRESS`): updates,
evidence, measures and their values, an action edited without a new owner. They
change the plan's figures and tables but not what Ofsted found, the inspections
or who owns actions, so the parts of the dashboard drawn from those alone (its
inspection history, recurring themes and the filters' choices) stay cached.
Anything else is `Scope.ALL`. A cached part keyed on `PlanVersions.everything`
is retired only by a change to all; a part keyed on `anything` by every change.
"""

import datetime as dt
from typing import NamedTuple

from django.db import models, transaction
from django.utils import timezone

# Changes are kept this long (each scope's newest for ever): longer than any
# transaction runs from its first write to its commit (a request is stopped at 30
# seconds; an import of thousands of rows takes seconds), so a change committing
# now has a larger id than any pruned.
KEPT_FOR = dt.timedelta(hours=1)


class Scope(models.TextChoices):
    ALL = "all", "Anything on the dashboard"
    PROGRESS = "progress", "Progress: not the inspections, findings or owners"


class PlanChange(models.Model):
    """A write to an authority's plan (or, with no authority, to every plan)."""

    id = models.BigAutoField(primary_key=True)
    # The authority's id, not a foreign key: a change recorded as its authority is
    # deleted (the rows that go with it) must not block the delete.
    authority = models.BigIntegerField(null=True, blank=True)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.ALL)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["authority", "id"], name="plan_change_authority_idx")]

    def __str__(self) -> str:
        return f"Change {self.pk} to {self.authority or 'every plan'}"


def plan_changed(authority_ids, scope: Scope = Scope.ALL) -> None:
    """Record a change to these authorities' plans (None: to every plan).

    One row per authority and scope per transaction, however many rows the
    transaction writes (a spreadsheet import writes thousands). Older rows of the
    same authorities and scope, once an hour old (`KEPT_FOR`), are pruned when the
    transaction commits, outside it, so that pruning never holds a lock a writer
    waits for.
    """
    ids = (
        [(None, scope)]
        if authority_ids is None
        else sorted({(pk, scope) for pk in authority_ids if pk})
    )
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _Pruner(_insert(ids))()
        return
    pruner = next((f for _, f, _ in connection.run_on_commit if isinstance(f, _Pruner)), None)
    if pruner is None:
        pruner = _Pruner({})
        transaction.on_commit(pruner)
    active = set(connection.savepoint_ids)
    # Skip an (authority, scope) only while still inside every savepoint its row was
    # written in: a savepoint rolled back (or released) since means writing it again.
    todo = [key for key in ids if not (key in pruner.written and pruner.written[key] <= active)]
    if todo:
        stack = frozenset(connection.savepoint_ids)
        for key, newest in _insert(todo).items():
            pruner.written[key] = stack
            pruner.newest[key] = newest


def _insert(ids) -> dict:
    """Write a change for each (authority, scope); the new ids by (authority, scope)."""
    rows = PlanChange.objects.bulk_create(
        [PlanChange(authority=pk, scope=scope) for pk, scope in ids]
    )
    return {(row.authority, row.scope): row.pk for row in rows}


class _Pruner:
    """Run after commit: delete each authority's rows of a scope that are an hour old
    and older than the one just written, which stays."""

    def __init__(self, newest: dict):
        self.newest = newest
        self.written: dict = {}

    def __call__(self) -> None:
        before = timezone.now() - KEPT_FOR
        for (pk, scope), newest in self.newest.items():
            if newest:
                PlanChange.objects.filter(
                    authority=pk, scope=scope, id__lt=newest, at__lt=before
                ).delete()


class PlanVersions(NamedTuple):
    """An authority's plan versions: `everything` moves with a change to all of the
    dashboard, `anything` with every change. Each is (how many changes, the sum of
    their ids)."""

    everything: tuple[int, int]
    anything: tuple[int, int]


def plan_version(authority_id: int) -> PlanVersions:
    """The authority's plan versions, from its changes and changes to every plan.

    Read inside a transaction that has written changes (a test, or a request that
    writes then reads), it makes the next write in that transaction record a
    change again, so what was read is never taken for what is there after.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _, f, _ in connection.run_on_commit:
            if isinstance(f, _Pruner):
                f.written.clear()
    # Plain SQL: this runs on every view of the dashboard, and the ORM's aggregate
    # takes three times as long to build as the query takes to run.
    with connection.cursor() as cursor:
        cursor.execute(_VERSIONS_SQL, [Scope.ALL.value, Scope.ALL.value, authority_id])
        n, total, n_all, total_all = cursor.fetchone()
    return PlanVersions(everything=(n_all or 0, total_all or 0), anything=(n, total or 0))


_VERSIONS_SQL = (
    "SELECT COUNT(*), SUM(id), SUM(CASE WHEN scope = %s THEN 1 ELSE 0 END), "  # noqa: S608
    "SUM(CASE WHEN scope = %s THEN id ELSE 0 END) "
    f"FROM {PlanChange._meta.db_table} WHERE authority = %s OR authority IS NULL"
)
