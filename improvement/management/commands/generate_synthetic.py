"""Generate clearly synthetic data at a chosen scale, to measure the app under load.

Every authority is named "Synthetic authority NNN", so the data can never be
mistaken for a real council's. Not for demos: use `load_demo` for those.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from improvement.models import Action, Evidence, ProgressUpdate, Role, Status
from inspections.models import (
    Finding,
    Grade,
    Inspection,
    Judgement,
    JudgementArea,
    LocalAuthority,
    Theme,
)

STATUS_PATH = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.COMPLETE]
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


class Command(BaseCommand):
    help = "Generate synthetic authorities, inspections, findings, actions and updates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authorities", type=int, default=10)
        parser.add_argument("--inspections", type=int, default=3, help="per authority")
        parser.add_argument("--findings", type=int, default=6, help="per inspection")
        parser.add_argument("--actions", type=int, default=3, help="per finding")
        parser.add_argument("--updates", type=int, default=3, help="per action")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        rng = random.Random(options["seed"])
        with transaction.atomic():
            counts = generate(rng=rng, **{k: options[k] for k in SCALE_KEYS})
        self.stdout.write(
            "Generated "
            + ", ".join(f"{n} {name}" for name, n in counts.items())
            + f" (seed {options['seed']})."
        )


SCALE_KEYS = ["authorities", "inspections", "findings", "actions", "updates"]


def generate(
    *,
    rng: random.Random,
    authorities: int,
    inspections: int,
    findings: int,
    actions: int,
    updates: int,
) -> dict[str, int]:
    """Bulk-insert the data; returns what was made. Safe to call twice (new names)."""
    User = get_user_model()
    start = LocalAuthority.objects.filter(name__startswith="Synthetic authority").count()
    themes = [Theme.objects.get_or_create(name=n, defaults={"slug": _slug(n)})[0] for n in THEMES]
    manager_group = Group.objects.get(name=Role.MANAGER.value)
    today = timezone.localdate()
    now = timezone.now()

    made = dict.fromkeys(["authorities", "findings", "actions", "updates"], 0)
    for a in range(start, start + authorities):
        authority = LocalAuthority.objects.create(
            name=f"Synthetic authority {a:03d}", slug=f"synthetic-{a:03d}"
        )
        owners = [
            User.objects.create_user(f"synthetic-{a:03d}-{i}", password=None) for i in range(5)
        ]
        authority.members.add(*owners)
        manager_group.user_set.add(*owners)
        made["authorities"] += 1

        for i in range(inspections):
            begun = today - dt.timedelta(days=365 * (inspections - i) + rng.randint(0, 90))
            inspection = Inspection.objects.create(
                authority=authority,
                kind=Inspection.Kind.STANDARD if i % 2 == 0 else Inspection.Kind.FOCUSED_VISIT,
                start_date=begun,
                end_date=begun + dt.timedelta(days=4),
            )
            if inspection.kind == Inspection.Kind.STANDARD:
                Judgement.objects.bulk_create(
                    Judgement(inspection=inspection, area=area, grade=rng.choice(Grade.values))
                    for area in AREAS
                )
            recs = Finding.objects.bulk_create(
                Finding(inspection=inspection, order=n + 1, text=f"Synthetic finding {n + 1}.")
                for n in range(findings)
            )
            made["findings"] += len(recs)
            for rec in recs:
                rec.themes.add(*rng.sample(themes, 2))
                for k in range(actions):
                    made["updates"] += _action_with_history(
                        rng, authority, rec, owners, begun, now, k, updates
                    )
                    made["actions"] += 1
    return made


def _action_with_history(rng, authority, rec, owners, begun, now, k, updates) -> int:
    owner = rng.choice(owners)
    due = begun + dt.timedelta(days=rng.randint(60, 900))
    status = rng.choice(STATUS_PATH)
    action = Action.objects.create(
        authority=authority,
        title=f"Synthetic action {k + 1} for finding {rec.order}",
        owner=owner,
        start_date=begun,
        original_due_date=due,
        due_date=due,
        status=status,
        completed_date=due if status == Status.COMPLETE else None,
    )
    action.findings.add(rec)
    when = timezone.make_aware(dt.datetime.combine(begun, dt.time(9)))
    path = [Status.NOT_STARTED] + [Status.IN_PROGRESS] * max(updates - 1, 0) + [status]
    rows = []
    for n in range(updates):
        when += dt.timedelta(days=rng.randint(5, 60))
        rows.append(
            ProgressUpdate(
                action=action,
                author=owner,
                created_at=min(when, now),
                status_before=path[n],
                status_after=path[n + 1],
                note=f"Synthetic update {n + 1}.",
                due_date_before=due,
                due_date_after=due,
            )
        )
    ProgressUpdate.objects.bulk_create(rows)
    if rows:
        Action.objects.filter(pk=action.pk).update(last_update_at=rows[-1].created_at)
    if rng.random() < 0.5:
        Evidence.objects.create(
            action=action,
            title="Synthetic evidence",
            kind=Evidence.Kind.OTHER,
            url="https://example.org/synthetic",
            added_by=owner,
            added_at=now,
        )
    return len(rows)


def _slug(name: str) -> str:
    return name.lower().replace(":", "").replace(" ", "-")
