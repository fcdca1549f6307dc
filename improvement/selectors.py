"""Reads that pages share, returning small typed rows for templates and exports.

Each function runs a fixed number of queries whatever the size of the plan;
the rules that decide a figure (overdue, due soon, roll-ups, RAG) come from
improvement.rules.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from inspections.clocks import PlanClock
from inspections.models import Finding, Inspection, LocalAuthority, Theme

from . import rules
from .choices import RAG, FindingState, FindingStatus, Status
from .models import Action, ProgressUpdate
from .people import display_name


@dataclass
class FindingRow:
    """A finding as the dashboard's table and export show it."""

    finding: Finding
    rollup_status: str
    rollup_rag: str
    owners: list[Any]
    evidence_count: int
    last_update: dt.datetime | None
    action_count: int

    @property
    def pk(self) -> int:
        return self.finding.pk

    @property
    def rollup_status_label(self) -> str:
        return FindingStatus(self.rollup_status).label

    @property
    def rollup_rag_label(self) -> str:
        return RAG(self.rollup_rag).label

    @property
    def owner_names(self) -> list[str]:
        return [display_name(u) for u in self.owners]


def finding_rows(queryset: QuerySet[Finding]) -> QuerySet[Finding]:
    """Findings with everything the table shows, in a fixed number of queries.

    A lazy queryset, so a paginator can count and slice it; turn the page into
    rows with `as_finding_rows`.
    """
    return (
        queryset.select_related("inspection__authority")
        .prefetch_related(
            "themes",
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner").order_by("due_date", "pk"),
            ),
        )
        .annotate(
            evidence_count=Count("actions__evidence", distinct=True),
            last_update=Max("actions__last_update_at"),
        )
        .order_by(
            F("inspection__start_date").desc(nulls_last=True),
            "inspection__authority__name",
            "inspection_id",
            "order",
        )
    )


def as_finding_rows(findings: Iterable[Finding]) -> list[FindingRow]:
    """Rows for findings fetched with `finding_rows` (their actions prefetched)."""
    return list(each_finding_row(findings))


def each_finding_row(findings: Iterable[Finding]) -> Iterator[FindingRow]:
    """`as_finding_rows` one at a time, for an export that reads findings in chunks."""
    for finding in findings:
        actions = list(finding.actions.all())
        status, rag = rules.finding_rollup(actions)
        owners = sorted({a.owner for a in actions if a.owner}, key=display_name)
        yield FindingRow(
            finding=finding,
            rollup_status=status,
            rollup_rag=rag,
            owners=owners,
            evidence_count=finding.evidence_count,  # type: ignore[attr-defined]
            last_update=finding.last_update,  # type: ignore[attr-defined]
            action_count=len(actions),
        )


def findings_in_state(queryset: QuerySet[Finding], state: str) -> QuerySet[Finding]:
    """Findings a leader has put in `state`; a finding no one has put anywhere is open."""
    if state == FindingState.OPEN:
        return queryset.filter(Q(plan_state__isnull=True) | Q(plan_state__state=state))
    return queryset.filter(plan_state__state=state)


def findings_with_rag_inputs(queryset: QuerySet[Finding]) -> list[Finding]:
    """Findings with their actions' RAG fields prefetched, for roll-ups in Python."""
    return list(
        queryset.prefetch_related(
            Prefetch("actions", queryset=Action.objects.only("pk", *rules.RAG_FIELDS))
        )
    )


def findings_where(queryset: QuerySet[Finding], wanted) -> QuerySet[Finding]:
    """The findings whose (status, RAG) roll-up satisfies `wanted`, as a queryset."""
    rows = findings_with_rag_inputs(queryset)
    keep = [f.pk for f in rows if wanted(rules.finding_rollup(list(f.actions.all())))]
    return queryset.filter(pk__in=keep)


def actions_where_rag(queryset: QuerySet[Action], rag: str) -> QuerySet[Action]:
    rows = queryset.only("pk", *rules.RAG_FIELDS)
    return queryset.filter(pk__in=[a.pk for a in rows if a.rag == rag])


class Headline(TypedDict):
    findings_total: int
    findings_open: int
    actions_total: int
    by_status: list[tuple[str, str, int]]
    overdue: int
    due_soon: int
    due_soon_days: int
    rag: list[tuple[str, str, int]]


def plan_actions(findings: QuerySet[Finding]) -> list[Action]:
    """The actions that address these findings, each once, with what the dashboard shows.

    Annotated with counts of accepted and waiting evidence, and with their
    findings' texts, in a fixed number of queries.
    """
    return list(
        Action.objects.filter(findings__in=findings.values("pk"))
        .distinct()
        .select_related("owner")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.only("pk", "text").order_by("pk"))
        )
        .annotate(
            evidence_accepted=Count("evidence", filter=Q(evidence__accepted_at__isnull=False)),
            evidence_waiting=Count(
                "evidence",
                filter=Q(evidence__accepted_at__isnull=True, evidence__returned_at__isnull=True),
            ),
        )
        .order_by("due_date", "pk")
    )


def headline(findings: QuerySet[Finding], actions: Sequence[Action]) -> Headline:
    """The dashboard's figures for the findings shown (the filters apply) and their actions.

    `actions` are `plan_actions(findings)`: each with its findings prefetched.
    """
    today = timezone.localdate()
    by_status = Counter(a.status for a in actions)
    rags = Counter(a.rag for a in actions)
    # Each finding's actions, from the actions already loaded (with their findings).
    by_finding: dict[int, list[Action]] = {}
    for action in actions:
        for finding in action.findings.all():
            by_finding.setdefault(finding.pk, []).append(action)
    statuses = [
        rules.finding_rollup(by_finding.get(pk, []))[0]
        for pk in findings.order_by().values_list("pk", flat=True)
    ]
    return {
        "findings_total": len(statuses),
        "findings_open": sum(1 for s in statuses if s != FindingStatus.COMPLETE),
        "actions_total": len(actions),
        "by_status": [(value, label, by_status[value]) for value, label in Status.choices],
        "overdue": sum(1 for a in actions if rules.is_overdue(a.status, a.due_date, today)),
        "due_soon": sum(
            1
            for a in actions
            if rules.is_due_within(a.status, a.due_date, today, rules.DUE_SOON_DAYS)
        ),
        "due_soon_days": rules.DUE_SOON_DAYS,
        "rag": [(value, label, rags[value]) for value, label in RAG.choices],
    }


@dataclass
class AttentionRow:
    """An action a leader should look at now, and why."""

    action: Action
    reasons: list[str]

    @property
    def evidence_state(self) -> str:
        """accepted, waiting or none: the best that can be said of its evidence."""
        if self.action.evidence_accepted:  # type: ignore[attr-defined]
            return "accepted"
        if self.action.evidence_waiting:  # type: ignore[attr-defined]
            return "waiting"
        return "none"


def needs_attention(actions: Sequence[Action]) -> list[AttentionRow]:
    """Actions waiting for sign-off, blocked, overdue or red: sign-offs first, then by due date."""
    today = timezone.localdate()
    rows = []
    for action in actions:
        reasons = []
        if action.status == Status.READY:
            reasons.append("Ready for sign-off")
        if action.status == Status.BLOCKED:
            reasons.append("Blocked")
        if rules.is_overdue(action.status, action.due_date, today):
            reasons.append("Overdue")
        if action.rag == RAG.RED and not reasons:
            reasons.append("Red")
        if reasons:
            rows.append(AttentionRow(action, reasons))
    return sorted(rows, key=lambda r: (r.action.status != Status.READY, r.action.due_date or today))


@dataclass
class InspectionRow:
    """An inspection with its action plan's statutory clock, if one runs."""

    inspection: Inspection
    clock: PlanClock | None

    @property
    def graded(self) -> bool:
        return bool(self.inspection.judgements.all())


def inspection_rows(inspections: Iterable[Inspection]) -> list[InspectionRow]:
    """Rows for inspections (judgements prefetched), newest first as given."""
    today = timezone.localdate()
    return [InspectionRow(i, i.plan_clock(today)) for i in inspections]


def latest_graded_and_visit(
    rows: Sequence[InspectionRow],
) -> tuple[InspectionRow | None, InspectionRow | None]:
    """The latest inspection with grades, and the latest visit (ungraded), each if any.

    `rows` come newest first.
    """
    graded = next((r for r in rows if r.graded), None)
    visit = next((r for r in rows if r is not graded and not r.graded), None)
    return graded, visit


class RecurringTheme(TypedDict):
    theme: Theme
    inspections: list[tuple[Inspection, list[Finding]]]


def recurring_themes(findings: Sequence[Finding]) -> list[RecurringTheme]:
    """Themes raised in more than one inspection: the inspections oldest first (undated last).

    `findings` need their inspection and themes loaded (select/prefetch).
    """
    by_theme: dict[Theme, dict[Inspection, list[Finding]]] = {}
    for finding in findings:
        for theme in finding.themes.all():
            by_theme.setdefault(theme, {}).setdefault(finding.inspection, []).append(finding)
    return [
        {
            "theme": theme,
            "inspections": sorted(
                inspections.items(),
                key=lambda item: (item[0].start_date is None, item[0].start_date, item[0].pk),
            ),
        }
        for theme, inspections in sorted(by_theme.items(), key=lambda item: item[0].name)
        if len(inspections) > 1
    ]


def authority_recurring_themes(authority: LocalAuthority) -> list[RecurringTheme]:
    findings = (
        Finding.objects.filter(inspection__authority=authority, themes__isnull=False)
        .distinct()
        .select_related("inspection", "plan_state__superseded_by__inspection")
        .prefetch_related("themes")
        .order_by("inspection_id", "order")
    )
    return recurring_themes(list(findings))


@dataclass
class ThemeCounts:
    theme: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def status_by_theme(authority: LocalAuthority) -> list[ThemeCounts]:
    """Counts of actions by status for each theme."""
    rows = (
        Action.objects.filter(authority=authority, findings__themes__isnull=False)
        .values("findings__themes__name", "status")
        .annotate(n=Count("id", distinct=True))
        .order_by("findings__themes__name")
    )
    themes: dict[str, ThemeCounts] = {}
    for row in rows:
        name = row["findings__themes__name"]
        themes.setdefault(name, ThemeCounts(name)).counts[row["status"]] = row["n"]
    return list(themes.values())


@dataclass
class MonthProgress:
    month: str  # YYYY-MM
    updates: int = 0
    complete: int = 0  # actions complete at the month's end

    @property
    def label(self) -> str:
        return dt.datetime.strptime(self.month, "%Y-%m").strftime("%b %Y")


def progress_by_month(authority: LocalAuthority) -> list[MonthProgress]:
    """Per month with updates: the updates recorded, and the actions complete at its end.

    "Complete at the month's end" is `rules.status_at`, the rule the board report
    uses for an action's state at a past moment.
    """
    rows = (
        ProgressUpdate.objects.filter(action__authority=authority)
        .order_by("action_id", "created_at", "pk")
        .values_list("action_id", "created_at", "status_before", "status_after")
    )
    by_action: dict[int, list[_Update]] = {}
    months: dict[str, MonthProgress] = {}
    for action_id, created_at, before, after in rows:
        by_action.setdefault(action_id, []).append(_Update(created_at, before, after))
        month = timezone.localtime(created_at).strftime("%Y-%m")
        months.setdefault(month, MonthProgress(month)).updates += 1
    for month in sorted(months):
        end = _month_end(month)
        months[month].complete = sum(
            1
            for updates in by_action.values()
            if rules.status_at(updates, end, Status.NOT_STARTED) == Status.COMPLETE
        )
    return [months[m] for m in sorted(months)]


@dataclass
class _Update:
    created_at: dt.datetime
    status_before: str
    status_after: str


def _month_end(month: str) -> dt.datetime:
    first = dt.datetime.strptime(month, "%Y-%m")
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(following) - dt.timedelta(microseconds=1)
