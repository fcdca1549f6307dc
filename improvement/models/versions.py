"""Each authority's plan version: what retires a cached copy of its dashboard.

Every write that can change what an authority's dashboard shows appends a
PlanChange row for that authority (None: every authority) inside the writer's
own transaction, from signals (improvement/signals.py), so no writer can skip
it: views, services, the admin, imports and fixtures alike. The version is the
newest row's id. Appending takes no lock another writer waits for, and the row
commits with the data it announces: a reader sees the new version only with the
new data.
"""

from django.db import models, transaction
from django.db.models import Max, Q


class PlanChange(models.Model):
    """A write to an authority's plan (or, with no authority, to every plan)."""

    id = models.BigAutoField(primary_key=True)
    # The authority's id, not a foreign key: a change recorded as its authority is
    # deleted (the rows that go with it) must not block the delete.
    authority = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["authority", "id"], name="plan_change_authority_idx")]

    def __str__(self) -> str:
        return f"Change {self.pk} to {self.authority or 'every plan'}"


def plan_changed(authority_ids) -> None:
    """Record a change to these authorities' plans (None: to every plan).

    One row per authority per transaction, however many rows the transaction
    writes (a spreadsheet import writes thousands). Older rows of the same
    authorities are pruned once the transaction commits, outside it, so that
    pruning never holds a lock a writer waits for.
    """
    ids = [None] if authority_ids is None else sorted({pk for pk in authority_ids if pk})
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
    # Skip an authority only while still inside every savepoint its row was written
    # in: a savepoint rolled back (or released) since means writing it again.
    todo = [pk for pk in ids if not (pk in pruner.written and pruner.written[pk] <= active)]
    if todo:
        stack = frozenset(connection.savepoint_ids)
        for pk, newest in _insert(todo).items():
            pruner.written[pk] = stack
            pruner.newest[pk] = newest


def _insert(ids) -> dict:
    rows = PlanChange.objects.bulk_create([PlanChange(authority=pk) for pk in ids])
    return {row.authority: row.pk for row in rows}


class _Pruner:
    """Run after commit: delete each authority's rows older than the newest written."""

    def __init__(self, newest: dict):
        self.newest = newest
        self.written: dict = {}

    def __call__(self) -> None:
        for pk, newest in self.newest.items():
            if newest:
                PlanChange.objects.filter(authority=pk, id__lt=newest).delete()


def plan_version(authority_id: int) -> int:
    """The authority's plan version: its newest change, or a change to every plan.

    Read inside a transaction that has written changes (a test, or a request that
    writes then reads), it makes the next write in that transaction record a
    change again, so what was read is never taken for what is there after.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _, f, _ in connection.run_on_commit:
            if isinstance(f, _Pruner):
                f.written.clear()
    latest = PlanChange.objects.filter(
        Q(authority=authority_id) | Q(authority__isnull=True)
    ).aggregate(v=Max("id"))["v"]
    return latest or 0
