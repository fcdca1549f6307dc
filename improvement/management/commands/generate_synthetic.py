"""Generate clearly synthetic data at a chosen scale, to measure the app under load.

Every authority is named "Synthetic authority NNN", so the data can never be
mistaken for a real council's. Not for demos: use `load_demo` for those.

Rows are written with bulk inserts, an authority at a time (many-to-many links
through their tables, in bulk too), so 100,000 actions with 1,000,000 updates
take minutes rather than the best part of an hour. Bulk inserts skip `save()`
and the signals, so no simple-history rows are written: synthetic data needs no
audit trail, and its actions' history pages start empty. Each action's updates
still follow a path that ends at its status (a complete one through "ready for
sign-off" and a sign-off on its completed date), and its `last_update_at` is its
last update's time. On PostgreSQL the command ends with VACUUM ANALYZE, as the
planner needs statistics for freshly filled tables (autovacuum may be off or not
yet have run).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from improvement.models import Action, Evidence, ProgressUpdate, Role, Status, UpdateKind
from improvement.models.versions import plan_changed
from inspections.models import (
    Finding,
    Grade,
    Inspection,
    Judgement,
    JudgementArea,
    LocalAuthority,
    Theme,
)

FINAL_STATUSES = [
    Status.NOT_STARTED,
    Status.IN_PROGRESS,
    Status.BLOCKED,
    Status.READY,
    Status.COMPLETE,
]
AREAS = [
    JudgementArea.OVERALL,
    JudgementArea.LEADERSHIP,
    JudgementArea.HELP_AND_PROTECTION,
    JudgementArea.IN_CARE,
    JudgementArea.CARE_LEAVERS,
]
THEMES = [
    "Synthetic theme: planning",
    "Synthetic theme: oversight",
    "Synthetic theme: workforce",
    "Synthetic theme: care leavers",
    "Synthetic theme: voice of the child",
]
OWNERS_PER_AUTHORITY = 5
BATCH = 2000


class Command(BaseCommand):
    help = "Generate synthetic authorities, inspections, findings, actions and updates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authorities", type=int, default=10)
        parser.add_argument("--inspections", type=int, default=3, help="per authority")
        parser.add_argument("--findings", type=int, default=6, help="per inspection")
        parser.add_argument("--actions", type=int, default=3, help="per finding")
        parser.add_argument(
            "--updates",
            "--updates-per-action",
            dest="updates",
            type=int,
            default=3,
            help="per action",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            counts = generate(
                rng=rng, progress=self._progress, **{k: options[k] for k in SCALE_KEYS}
            )
        analyze()
        self.stdout.write(
            "Generated "
            + ", ".join(f"{n} {name}" for name, n in counts.items())
            + f" (seed {options['seed']})."
        )

    def _progress(self, done: int, total: int) -> None:
        if self.verbosity >= 2 or (self.verbosity >= 1 and done % 10 == 0 and done < total):
            self.stderr.write(f"{done}/{total} authorities")


SCALE_KEYS = ["authorities", "inspections", "findings", "actions", "updates"]


def generate(
    *,
    rng: random.Random,
    authorities: int,
    inspections: int,
    findings: int,
    actions: int,
    updates: int,
    progress=None,
) -> dict[str, int]:
    """Bulk-insert the data; returns what was made. Safe to call twice (new names)."""
    start = LocalAuthority.objects.filter(name__startswith="Synthetic authority").count()
    themes = [Theme.objects.get_or_create(name=n, defaults={"slug": _slug(n)})[0] for n in THEMES]
    manager_group = Group.objects.get(name=Role.MANAGER.value)
    scale = _Scale(inspections, findings, actions, updates, themes, manager_group)

    made = dict.fromkeys(["authorities", "findings", "actions", "updates", "evidence"], 0)
    for n, a in enumerate(range(start, start + authorities), start=1):
        for name, count in _authority(rng, a, scale).items():
            made[name] += count
        if progress:
            progress(n, authorities)
    # Bulk inserts send no signals: say every plan changed, so no cached page outlives them.
    plan_changed(None)
    return made


@dataclass
class _Scale:
    inspections: int
    findings: int
    actions: int
    updates: int
    themes: list[Theme]
    manager_group: Group
    today: dt.date = field(default_factory=timezone.localdate)
    now: dt.datetime = field(default_factory=timezone.now)


def _authority(rng: random.Random, a: int, scale: _Scale) -> dict[str, int]:
    """One authority with its people, inspections, findings, actions, updates and evidence."""
    User = get_user_model()
    authority = LocalAuthority.objects.create(
        name=f"Synthetic authority {a:03d}", slug=f"synthetic-{a:03d}"
    )
    owners = User.objects.bulk_create(
        User(username=f"synthetic-{a:03d}-{i}", password=make_password(None))
        for i in range(OWNERS_PER_AUTHORITY)
    )
    authority.members.through.objects.bulk_create(
        authority.members.through(localauthority_id=authority.pk, user_id=u.pk) for u in owners
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(group_id=scale.manager_group.pk, user_id=u.pk) for u in owners
    )

    made_inspections = []
    for i in range(scale.inspections):
        begun = scale.today - dt.timedelta(days=365 * (scale.inspections - i) + rng.randint(0, 90))
        made_inspections.append(
            Inspection(
                authority=authority,
                kind=Inspection.Kind.STANDARD if i % 2 == 0 else Inspection.Kind.FOCUSED_VISIT,
                start_date=begun,
                end_date=begun + dt.timedelta(days=4),
            )
        )
    Inspection.objects.bulk_create(made_inspections)
    Judgement.objects.bulk_create(
        Judgement(inspection=inspection, area=area, grade=rng.choice(Grade.values))
        for inspection in made_inspections
        if inspection.kind == Inspection.Kind.STANDARD
        for area in AREAS
    )
    recs = Finding.objects.bulk_create(
        (
            Finding(inspection=inspection, order=n + 1, text=f"Synthetic finding {n + 1}.")
            for inspection in made_inspections
            for n in range(scale.findings)
        ),
        batch_size=BATCH,
    )
    Finding.themes.through.objects.bulk_create(
        (
            Finding.themes.through(finding_id=rec.pk, theme_id=theme.pk)
            for rec in recs
            for theme in rng.sample(scale.themes, 2)
        ),
        batch_size=BATCH,
    )

    plans = [
        _plan_action(rng, authority, rec, owners, k, scale)
        for rec in recs
        for k in range(scale.actions)
    ]
    Action.objects.bulk_create([plan.action for plan in plans], batch_size=BATCH)
    Action.findings.through.objects.bulk_create(
        (Action.findings.through(action_id=p.action.pk, finding_id=p.finding.pk) for p in plans),
        batch_size=BATCH,
    )
    ProgressUpdate.objects.bulk_create(
        (update for plan in plans for update in plan.updates), batch_size=BATCH
    )
    evidence = [
        Evidence(
            action=plan.action,
            title="Synthetic evidence",
            kind=Evidence.Kind.OTHER,
            url="https://example.org/synthetic",
            added_by=plan.action.owner,
            added_at=plan.action.last_update_at or scale.now,
        )
        for plan in plans
        if rng.random() < 0.5
    ]
    Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    return {
        "authorities": 1,
        "findings": len(recs),
        "actions": len(plans),
        "updates": sum(len(plan.updates) for plan in plans),
        "evidence": len(evidence),
    }


@dataclass
class _Plan:
    """An action not yet saved, the finding it addresses and its updates."""

    action: Action
    finding: Finding
    updates: list[ProgressUpdate]


def _plan_action(
    rng: random.Random, authority, rec: Finding, owners, k: int, scale: _Scale
) -> _Plan:
    """An unsaved action and its updates, which walk from "not started" to its status."""
    begun = rec.inspection.start_date
    assert begun is not None  # every synthetic inspection has its dates
    owner = rng.choice(owners)
    due = begun + dt.timedelta(days=rng.randint(60, 900))
    status = rng.choice(FINAL_STATUSES)
    path = status_path(status, scale.updates)
    times = _update_times(rng, begun, scale.now, len(path) - 1)
    completed = timezone.localtime(times[-1]).date() if status == Status.COMPLETE else None
    action = Action(
        authority=authority,
        title=f"Synthetic action {k + 1} for finding {rec.order}",
        owner=owner,
        start_date=begun,
        original_due_date=due,
        due_date=due,
        status=status,
        completed_date=completed,
        last_update_at=times[-1] if times else None,
    )
    signer = owners[(owners.index(owner) + 1) % len(owners)]
    updates = [
        ProgressUpdate(
            action=action,
            author=signer if after == Status.COMPLETE else owner,
            created_at=when,
            status_before=before,
            status_after=after,
            kind=_KINDS.get(after, UpdateKind.PROGRESS),
            note=f"Synthetic update {n + 1}.",
            due_date_before=due,
            due_date_after=due,
        )
        for n, (when, before, after) in enumerate(zip(times, path[:-1], path[1:], strict=True))
    ]
    return _Plan(action, rec, updates)


_KINDS: dict[str, str] = {Status.READY: UpdateKind.READY, Status.COMPLETE: UpdateKind.SIGNED_OFF}


def status_path(status: str, updates: int) -> list[str]:
    """The statuses an action passes through: "not started", then one per update.

    The last is `status`; a complete action is ready for sign-off just before.
    With no updates an action is still where it started.
    """
    start: list[str] = [Status.NOT_STARTED]
    if updates == 0:
        return start
    if status == Status.NOT_STARTED:
        return start * (updates + 1)
    ending: list[str] = [Status.READY, Status.COMPLETE] if status == Status.COMPLETE else [status]
    ending = ending[-updates:]
    return start + [Status.IN_PROGRESS] * (updates - len(ending)) + ending


def _update_times(rng: random.Random, begun: dt.date, now: dt.datetime, n: int):
    """n moments, oldest first, spread between the start of the work and now."""
    first = timezone.make_aware(dt.datetime.combine(begun, dt.time(9)))
    step = (now - first) / (n + 1) if n else dt.timedelta(0)
    return [first + step * i + step * rng.random() for i in range(1, n + 1)]


def analyze() -> None:
    """Give PostgreSQL's planner statistics for the tables just filled.

    VACUUM too where it can run (outside a transaction): it marks the pages
    all-visible, which lets index-only scans skip the table.
    """
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    tables = [
        m._meta.db_table
        for m in (LocalAuthority, Inspection, Judgement, Finding, Action, ProgressUpdate, Evidence)
    ] + [
        Finding.themes.through._meta.db_table,
        Action.findings.through._meta.db_table,
        LocalAuthority.members.through._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"{command} " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _slug(name: str) -> str:
    return name.lower().replace(":", "").replace(" ", "-")
