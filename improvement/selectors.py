"""Reads that pages share, returning small typed rows for templates and exports.

Each function runs a fixed number of queries whatever the size of the plan;
the rules that decide a figure (overdue, due soon, roll-ups, RAG) come from
improvement.rules.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any, NamedTuple, TypedDict

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from inspections.clocks import PlanClock
from inspections.models import Finding, Inspection, LocalAuthority

from . import impact, rules, tables
from .choices import RAG, FindingState, FindingStatus, Impact, Status
from .models import Action, Evidence, Measure, MeasureValue, ProgressUpdate
from .people import Person, display_name


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
    impact: str = ""
    measures: list[MeasureRow] = field(default_factory=list)

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
    def impact_label(self) -> str:
        return Impact(self.impact).label if self.impact else ""

    @property
    def owner_names(self) -> list[str]:
        return [display_name(u) for u in self.owners]


def finding_rows(queryset: QuerySet[Finding]) -> QuerySet[Finding]:
    """Findings with what the table shows of them (their inspection, authority and
    themes), in the table's order. Turn them into rows with `as_finding_rows`, given
    their actions (`plan_actions`, by finding: `by_finding`) and measures
    (`measures_by_finding`), which a page loads once for all of them."""
    return (
        queryset.select_related("inspection__authority")
        .prefetch_related("themes")
        .order_by(*FINDING_TABLE_ORDER)
    )


# The findings table's order: newest inspection first, then as the report lists them.
FINDING_TABLE_ORDER = (
    F("inspection__start_date").desc(nulls_last=True),
    "inspection__authority__name",
    "inspection_id",
    "order",
)


def as_finding_rows(
    findings: Iterable[Finding],
    actions_by_finding: dict[int, list[PlanAction]],
    measures_of: dict[int, list[MeasureRow]],
) -> list[FindingRow]:
    """Rows for findings fetched with `finding_rows`, given their actions by finding
    (`plan_actions`, then `by_finding`) and measures (`measures_by_finding`)."""
    rows = []
    for finding in findings:
        actions = actions_by_finding.get(finding.pk, [])
        status, rag = rules.finding_rollup(actions)
        measures = measures_of.get(finding.pk, [])
        rows.append(
            FindingRow(
                finding=finding,
                rollup_status=status,
                rollup_rag=rag,
                owners=sorted({a.owner for a in actions if a.owner}, key=display_name),
                evidence_count=sum(a.evidence.total for a in actions),
                last_update=max(
                    (a.last_update_at for a in actions if a.last_update_at), default=None
                ),
                action_count=len(actions),
                impact=impact.worst_impact(r.rating.impact for r in measures),
                measures=measures,
            )
        )
    return rows


def export_findings(findings: QuerySet[Finding], chunk_size: int) -> Iterator[FindingRow]:
    """FindingRows of the findings in the table's order, `chunk_size` findings at a
    time, each chunk read as the dashboard reads its findings: their actions as
    plain rows (`plan_actions`), in a fixed number of queries a chunk."""
    ids = list(findings.order_by(*FINDING_TABLE_ORDER).values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = Finding.objects.filter(pk__in=ids[start : start + chunk_size])
        actions = plan_actions(chunk)
        yield from as_finding_rows(
            finding_rows(chunk),
            by_finding(actions, finding_links(chunk)),
            measures_by_finding(chunk),
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


def finding_links(findings: QuerySet[Finding]) -> dict[int, list[int]]:
    """Which of these findings each action addresses: their pks by action pk, in one
    query of the links alone (a prefetch would build a Finding and a related manager
    for each link)."""
    links: dict[int, list[int]] = {}
    rows = (
        Action.findings.through.objects.filter(finding__in=findings.values("pk"))
        .order_by("finding_id")
        .values_list("action_id", "finding_id")
    )
    for action_id, finding_id in rows:
        links.setdefault(action_id, []).append(finding_id)
    return links


def by_finding(
    actions: Sequence[PlanAction], links: dict[int, list[int]]
) -> dict[int, list[PlanAction]]:
    """Each finding's actions (by finding pk), from the actions' `finding_links`."""
    actions_of: dict[int, list[PlanAction]] = {}
    for action in actions:
        for finding_pk in links.get(action.pk, ()):
            actions_of.setdefault(finding_pk, []).append(action)
    return actions_of


class Headline(TypedDict):
    findings_total: int
    findings_open: int
    actions_total: int
    by_status: list[tuple[str, str, int]]
    overdue: int
    due_soon: int
    due_soon_days: int
    rag: list[tuple[str, str, int]]


@dataclass(eq=False)
class PlanAction:
    """An action as the dashboard reads it: plain values, not a model instance. The
    dashboard reads every action the plan's findings have (hundreds an authority at
    national scale), and building each as a model costs more than reading it."""

    pk: int
    title: str
    status: str
    start_date: dt.date | None
    due_date: dt.date | None
    last_update_at: dt.datetime | None
    rag_override: str
    owner: Person | None
    evidence: EvidenceCounts
    today: dt.date  # the day it was read on, which its RAG is worked out for

    @cached_property
    def rag(self) -> str:
        """As Action.rag: a leader's override if set, else the RAG rule's."""
        return rules.shown_rag(self.rag_override, rules.computed_rag(self, self.today))

    def get_absolute_url(self) -> str:
        return reverse("improvement:action_detail", args=[self.pk])


def plan_actions(findings: QuerySet[Finding]) -> list[PlanAction]:
    """The actions that address these findings, each once, with what the dashboard
    shows and their evidence counted, in two queries. Their findings: `finding_links`."""
    addressing = Action.objects.filter(findings__in=findings.values("pk")).values("pk")
    rows = (
        # pk__in, not a join: a join repeats an action once per finding.
        Action.objects.filter(pk__in=addressing)
        .order_by("due_date", "pk")
        .values_list(*_PLAN_ACTION_FIELDS)
    )
    evidence = evidence_counts(addressing)
    today = timezone.localdate()
    return [
        PlanAction(
            **_plan_action_values(row),
            evidence=evidence.get(row[0], NO_EVIDENCE),
            today=today,
        )
        for row in rows
    ]


# The columns a PlanAction is read from, its owner's name after its own.
_PLAN_ACTION_FIELDS = (
    "pk",
    "title",
    "status",
    "start_date",
    "due_date",
    "last_update_at",
    "rag_override",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def _plan_action_values(row: Sequence[Any]) -> dict[str, Any]:
    """A PlanAction's own fields from a row that starts with _PLAN_ACTION_FIELDS."""
    pk, title, status, start_date, due_date, last_update_at, rag_override = row[:7]
    return {
        "pk": pk,
        "title": title,
        "status": status,
        "start_date": start_date,
        "due_date": due_date,
        "last_update_at": last_update_at,
        "rag_override": rag_override,
        "owner": Person(*row[7:11]) if row[7] is not None else None,
    }


class EvidenceCounts(NamedTuple):
    """How much evidence an action has: in all, accepted, and waiting for a decision."""

    total: int
    accepted: int
    waiting: int


NO_EVIDENCE = EvidenceCounts(0, 0, 0)


def evidence_counts(actions: QuerySet) -> dict[int, EvidenceCounts]:
    """EvidenceCounts of each action (by pk) that has evidence, in one grouped query.

    `actions` is a query of action pks. One pass over their evidence rather than a
    subquery per count for each action, which PostgreSQL runs three times an action
    (4.1 ms of SQL for an authority's 672 actions at 100,000; 0.9 to 1.3 ms grouped).
    """
    waiting = Q(accepted_at__isnull=True, returned_at__isnull=True)
    rows = (
        Evidence.objects.filter(action__in=actions)
        .order_by()
        .values("action")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            waiting=Count("pk", filter=waiting),
        )
        .values_list("action", "total", "accepted", "waiting")
    )
    return {action: EvidenceCounts(*counts) for action, *counts in rows}


@dataclass(eq=False)
class ExportAction(PlanAction):
    """An action as a download of many actions shows it (exports.ACTION_COLUMNS): a
    PlanAction (its RAG worked out the same way), with what the download adds. A
    download does not count evidence: `evidence` is NO_EVIDENCE."""

    authority: str
    team: str
    original_due_date: dt.date | None
    completed_date: dt.date | None
    findings: list[str]  # each in full: "Focused visit, March 2024, #3: ..."


# What export_actions reads of each action: a PlanAction's columns, then its own.
_EXPORT_FIELDS = (
    *_PLAN_ACTION_FIELDS,
    "authority__name",
    "team__name",
    "original_due_date",
    "completed_date",
)


def export_actions(actions: QuerySet[Action]) -> Iterator[ExportAction]:
    """The actions as plain rows, in their queryset's order, read a chunk at a time.

    Each chunk is one query of the actions (with their authority's, owner's and
    team's names joined) and one of their findings: building model instances and
    prefetching was two thirds of a 100,000-action export's time.
    """
    today = timezone.localdate()
    size = tables.CHUNK_SIZE  # actions read, and their findings looked up, at a time
    rows = actions.values_list(*_EXPORT_FIELDS).iterator(chunk_size=size)
    while chunk := list(islice(rows, size)):
        findings: dict[int, list[str]] = {}
        links = (
            Action.findings.through.objects.filter(action_id__in=[row[0] for row in chunk])
            .order_by("finding__inspection_id", "finding__order", "finding_id")
            .values_list(
                "action_id",
                "finding__inspection__kind",
                "finding__inspection__start_date",
                "finding__order",
                "finding__text",
            )
        )
        for action_id, kind, start_date, order, text in links:
            inspection = _inspection_in_full(kind, start_date)
            findings.setdefault(action_id, []).append(f"{inspection}, #{order}: {text}")
        for row in chunk:
            authority, team, original_due_date, completed_date = row[len(_PLAN_ACTION_FIELDS) :]
            yield ExportAction(
                **_plan_action_values(row),
                evidence=NO_EVIDENCE,
                today=today,
                authority=authority,
                team=team or "",
                original_due_date=original_due_date,
                completed_date=completed_date,
                findings=findings.get(row[0], []),
            )


@lru_cache(maxsize=4096)
def _inspection_in_full(kind: str, start_date: dt.date | None) -> str:
    """Inspection.describe, remembered: an export names the same few thousand times."""
    return Inspection.describe(kind, start_date)


def headline(
    finding_ids: Iterable[int],
    actions: Sequence[PlanAction],
    actions_of: dict[int, list[PlanAction]],
) -> Headline:
    """The dashboard's figures for the findings shown (the filters apply) and their actions.

    `actions` are `plan_actions` of the findings, and `actions_of` them `by_finding`.
    """
    today = timezone.localdate()
    by_status = Counter(a.status for a in actions)
    rags = Counter(a.rag for a in actions)
    statuses = [rules.finding_rollup(actions_of.get(pk, []))[0] for pk in finding_ids]
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


class FindingText(NamedTuple):
    pk: int
    text: str


@dataclass
class AttentionRow:
    """An action a leader should look at now, and why (its findings: `with_findings`)."""

    action: PlanAction
    reasons: list[str]
    findings: list[FindingText] = field(default_factory=list)

    @property
    def evidence_state(self) -> str:
        """accepted, waiting or none: the best that can be said of its evidence."""
        if self.action.evidence.accepted:
            return "accepted"
        if self.action.evidence.waiting:
            return "waiting"
        return "none"


def needs_attention(actions: Sequence[PlanAction]) -> list[AttentionRow]:
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


def with_findings(rows: list[AttentionRow]) -> list[AttentionRow]:
    """Give each row its action's findings' texts, in one query."""
    of: dict[int, list[FindingText]] = {}
    links = (
        Action.findings.through.objects.filter(action__in=[row.action.pk for row in rows])
        .order_by("finding_id")
        .values_list("action_id", "finding_id", "finding__text")
    )
    for action_id, pk, text in links:
        of.setdefault(action_id, []).append(FindingText(pk, text))
    for row in rows:
        row.findings = of.get(row.action.pk, [])
    return rows


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


class RecurringInspection(NamedTuple):
    """An inspection as the recurring themes list it: "Focused visit, March 2024"."""

    pk: int
    kind: str
    start_date: dt.date | None

    @property
    def label(self) -> str:
        return Inspection.describe(self.kind, self.start_date)

    @property
    def kind_label(self) -> str:
        return Inspection.kind_label(self.kind)


class RecurringFinding(NamedTuple):
    """A finding under a recurring theme: its words, shortened, and its state in the plan."""

    pk: int
    text: str  # its first 14 words
    url: str
    state: str  # a FindingState, or "" when no one has set one (it is open)
    carried_on_by: RecurringInspection | None  # the inspection of the finding superseding it

    @property
    def state_label(self) -> str:
        return FindingState(self.state).label if self.state else ""


class RecurringTheme(TypedDict):
    theme: str
    inspections: list[tuple[RecurringInspection, list[RecurringFinding]]]


def recurring_themes(
    links: Iterable[tuple[int, str, RecurringInspection, RecurringFinding | None]],
) -> list[RecurringTheme]:
    """Themes raised in more than one inspection, by name, with the inspections oldest
    first (undated last), each with its findings in the order given.

    `links` are (theme pk, theme name, inspection, finding): one per theme a finding has.
    """
    by_theme: dict[tuple[str, int], dict[RecurringInspection, list[RecurringFinding]]] = {}
    for theme_pk, name, inspection, finding in links:
        findings = by_theme.setdefault((name, theme_pk), {}).setdefault(inspection, [])
        if finding is not None:
            findings.append(finding)
    return [
        {
            "theme": name,
            "inspections": sorted(
                inspections.items(),
                key=lambda item: (item[0].start_date is None, item[0].start_date, item[0].pk),
            ),
        }
        for (name, _), inspections in sorted(by_theme.items(), key=lambda item: item[0])
        if len(inspections) > 1
    ]


def authority_recurring_themes(authority: LocalAuthority) -> list[RecurringTheme]:
    """`recurring_themes` of the authority's findings, read in one query of plain values."""
    rows = (
        Finding.themes.through.objects.filter(finding__inspection__authority=authority)
        .order_by("finding__inspection_id", "finding__order", "finding_id")
        .values_list(
            "theme_id",
            "theme__name",
            "finding__inspection_id",
            "finding__inspection__kind",
            "finding__inspection__start_date",
            "finding_id",
            "finding__text",
            "finding__plan_state__state",
            "finding__plan_state__superseded_by__inspection_id",
            "finding__plan_state__superseded_by__inspection__kind",
            "finding__plan_state__superseded_by__inspection__start_date",
        )
    )
    findings: dict[int, RecurringFinding] = {}  # each shortened and linked once, not per theme
    links = []
    for row in rows:
        theme_pk, name, inspection_pk, kind, start, pk, text, state = row[:8]
        later_pk, later_kind, later_start = row[8:]
        if pk not in findings:
            findings[pk] = RecurringFinding(
                pk,
                Truncator(text).words(14),
                reverse("improvement:finding_detail", args=[pk]),
                state or "",
                RecurringInspection(later_pk, later_kind, later_start) if later_pk else None,
            )
        inspection = RecurringInspection(inspection_pk, kind, start)
        links.append((theme_pk, name, inspection, findings[pk]))
    return recurring_themes(links)


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

    Grouped in SQL, so the cost does not grow with the updates: one query counts
    the updates per month; another fetches only the spells during which an action
    was complete (an update to Complete, and when the action's next update came).
    An action is complete at a month's end if one of its spells covers that moment:
    `rules.status_at`, the rule the board report uses, read the same way (the
    status an action's latest update by then left it in). tests/improvement/
    test_dashboard.py checks the two agree.
    """
    tz = timezone.get_current_timezone()
    updates = ProgressUpdate.objects.filter(action__authority=authority)
    per_month = (
        updates.annotate(month=TruncMonth("created_at", tzinfo=tz))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    )
    months = {
        f"{row['month']:%Y-%m}": MonthProgress(f"{row['month']:%Y-%m}", updates=row["n"])
        for row in per_month
    }
    later = ProgressUpdate.objects.filter(action=OuterRef("action")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
    )
    spells = list(
        updates.filter(status_after=Status.COMPLETE)
        .annotate(until=Subquery(later.order_by("created_at", "pk").values("created_at")[:1]))
        .values_list("created_at", "until")
    )
    # Complete at a month's end: the spells begun by then less those ended by then (a
    # spell ends after it begins, so each one ended by then had begun).
    begun = sorted(since for since, _ in spells)
    ended = sorted(until for _, until in spells if until is not None)
    for month in months.values():
        end = _month_end(month.month)
        month.complete = bisect_right(begun, end) - bisect_right(ended, end)
    return [months[m] for m in sorted(months)]


def _month_end(month: str) -> dt.datetime:
    first = dt.datetime.strptime(month, "%Y-%m")
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return timezone.make_aware(following) - dt.timedelta(microseconds=1)


@dataclass
class MeasureRow:
    """A measure with its current values (oldest first) and its latest value's rating."""

    measure: Measure
    values: list[MeasureValue]
    rating: impact.Rating

    @property
    def latest(self) -> MeasureValue | None:
        return self.values[-1] if self.values else None

    @property
    def latest_period(self) -> str:
        return self.measure.period_label(self.values[-1].period) if self.values else ""


def measures_with_values() -> QuerySet[Measure]:
    """Measures with what a row needs prefetched; filter it, then pass it to measure_rows."""
    return Measure.objects.with_values().order_by("name", "pk")


def measure_rows(measures: Iterable[Measure]) -> list[MeasureRow]:
    """Rows for measures fetched through `measures_with_values` (or prefetched alike)."""
    rows = []
    for measure in measures:
        values = measure.current_values  # type: ignore[attr-defined]
        rows.append(MeasureRow(measure, values, measure.rating_of(values)))
    return rows


def current_values(
    pairs: Iterable[tuple[int, dt.date]],
) -> dict[tuple[int, dt.date], MeasureValue]:
    """The current value of each (measure pk, period), in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = (
        MeasureValue.objects.current()
        .filter(measure__in={pk for pk, _ in pairs}, period__in={p for _, p in pairs})
        .select_related("entered_by")
    )
    return {(v.measure_id, v.period): v for v in rows if (v.measure_id, v.period) in pairs}


def current_values_for(periods: dict[int, dt.date]) -> dict[int, MeasureValue]:
    """The current value of each measure (by pk) for its period, in one query."""
    return {pk: value for (pk, _), value in current_values(periods.items()).items()}


@dataclass
class PeriodHistory:
    """A period's current value and the values it corrected, newest first."""

    period: dt.date
    label: str
    current: MeasureValue
    earlier: list[MeasureValue]


def value_history(measure: Measure) -> list[PeriodHistory]:
    """Every value ever entered for the measure, by period (newest period first)."""
    by_period: dict[dt.date, list[MeasureValue]] = {}
    for value in measure.values.select_related("entered_by").order_by("period", "entered_at", "pk"):
        by_period.setdefault(value.period, []).append(value)
    corrected = {v.corrects_id for values in by_period.values() for v in values if v.corrects_id}
    history = []
    for period in sorted(by_period, reverse=True):
        values = by_period[period]
        current = next(v for v in reversed(values) if v.pk not in corrected)
        earlier = [v for v in reversed(values) if v is not current]
        history.append(PeriodHistory(period, measure.period_label(period), current, earlier))
    return history


def measures_by_finding(findings: QuerySet[Finding]) -> dict[int, list[MeasureRow]]:
    """Each finding's measures (by finding pk), each measure rated once, in a fixed
    number of queries."""
    measures = (
        measures_with_values()
        .filter(findings__in=findings.values("pk"))
        .distinct()
        .prefetch_related(Prefetch("findings", queryset=Finding.objects.only("pk")))
    )
    by_finding: dict[int, list[MeasureRow]] = {}
    for row in measure_rows(measures):
        for finding in row.measure.findings.all():
            by_finding.setdefault(finding.pk, []).append(row)
    return by_finding


def finding_impacts(
    findings: QuerySet[Finding] | Iterable[int],
    measures_of: dict[int, list[MeasureRow]] | None = None,
) -> dict[int, str]:
    """Each finding's impact rating by pk, in a fixed number of queries; `findings` may
    be their pks when `measures_of` (`measures_by_finding`) is given."""
    if measures_of is None:
        assert isinstance(findings, QuerySet)
        measures_of = measures_by_finding(findings)
    pks: Iterable[int] = (
        findings.order_by().values_list("pk", flat=True)
        if isinstance(findings, QuerySet)
        else findings
    )
    return {pk: impact.worst_impact(r.rating.impact for r in measures_of.get(pk, [])) for pk in pks}


def impact_counts(
    findings: QuerySet[Finding] | Iterable[int],
    measures_of: dict[int, list[MeasureRow]] | None = None,
) -> list[tuple[str, str, int]]:
    """How many of the findings are at each impact rating, worst first."""
    counts = Counter(finding_impacts(findings, measures_of).values())
    return [(value, label, counts[value]) for value, label in Impact.choices]


def findings_where_impact(queryset: QuerySet[Finding], rating: str) -> QuerySet[Finding]:
    keep = [pk for pk, rated in finding_impacts(queryset).items() if rated == rating]
    return queryset.filter(pk__in=keep)


@dataclass(frozen=True)
class MissingValue:
    """A period whose value a measure owes (see impact.missing_periods)."""

    measure: Measure
    period: dt.date

    @property
    def label(self) -> str:
        return self.measure.period_label(self.period)


def missing_values(measures: QuerySet[Measure], today: dt.date) -> list[MissingValue]:
    """Every value the measures owe by `today`, by measure and period, in two queries."""
    measures = measures.select_related("owner", "authority").order_by("name", "pk")
    have: dict[int, set[dt.date]] = {}
    for measure_id, period in (
        MeasureValue.objects.current()
        .filter(measure__in=measures)
        .values_list("measure_id", "period")
    ):
        have.setdefault(measure_id, set()).add(period)
    rows = []
    for measure in measures:
        periods = have.get(measure.pk, set())
        # From the baseline if there is one, else from the period the measure was set up in.
        first = min(periods) if periods else timezone.localtime(measure.created_at).date()
        rows += [
            MissingValue(measure, period)
            for period in impact.missing_periods(measure.frequency, first, periods, today)
        ]
    return rows
