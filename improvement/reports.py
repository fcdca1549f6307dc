"""The quarterly progress report for the improvement board.

Everything is worked out from the append-only progress updates, so a report
for a past period says what was true then; each finding's outcome measures are
shown at the start and end of the period from the values of the months or
quarters that had ended by then. The report is a plain dict of
JSON-safe values: saving it freezes it as a snapshot that never changes.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import F, Prefetch, prefetch_related_objects
from django.utils import timezone

from inspections.models import Finding, Inspection, LocalAuthority

from . import impact
from .choices import RAG, FindingState, FindingStatus, Status
from .models import Action, BoardReport, Evidence, Measure, MeasureValue, ProgressUpdate
from .people import display_name
from .rules import action_state_at, is_overdue, rollup_status, worst_rag
from .selectors import RecurringInspection, findings_in_state, recurring_themes


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def build_report(
    *,
    authority: LocalAuthority,
    start: dt.date,
    end: dt.date,
    inspections: Sequence[Inspection] = (),
    summary: str = "",
    comments: dict[int, str] | None = None,
) -> dict:
    """The board report for one authority and period (both dates included).

    It covers the findings of the chosen `inspections`, or by default the current
    plan's open findings; `summary` and `comments` (by finding id) are a leader's
    commentary, frozen with the report when it is saved.
    """
    period_start, period_end = _start_of(start), _end_of(end)
    comments = comments or {}
    scope = Finding.objects.filter(inspection__authority=authority)
    if inspections:
        scope = scope.filter(inspection__in=inspections)
    else:
        scope = findings_in_state(scope, FindingState.OPEN)
    findings = list(
        scope.select_related("inspection")
        .prefetch_related(
            "themes",
            "inspection__judgements",
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner").order_by("due_date", "pk"),
            ),
        )
        .order_by(F("inspection__start_date").desc(nulls_last=True), "inspection_id", "order")
    )
    action_ids = {a.pk for f in findings for a in f.actions.all()}
    all_updates = (
        ProgressUpdate.objects.filter(action_id__in=action_ids)
        .select_related("author")
        .order_by("action_id", "created_at", "pk")
    )
    updates = {k: list(g) for k, g in groupby(all_updates, key=lambda u: u.action_id)}
    evidence = {
        k: list(g)
        for k, g in groupby(
            Evidence.objects.filter(
                action_id__in=action_ids, added_at__gte=period_start, added_at__lte=period_end
            ).order_by("action_id", "added_at"),
            key=lambda e: e.action_id,
        )
    }
    overrides = _grouped(
        Action.history.filter(id__in=action_ids, history_date__lte=period_end)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "rag_override")
    )
    accepted = _grouped(
        Evidence.objects.filter(action_id__in=action_ids, accepted_at__lte=period_end)
        .order_by("action_id", "accepted_at")
        .values_list("action_id", "accepted_at")
    )

    measures = measures_in_period(findings, start=start, end=end)

    rows: list[dict[str, Any]] = []
    moved: Counter[str] = Counter()
    stuck = []
    counted: set[int] = set()
    for finding in findings:
        actions = []
        for action in finding.actions.all():
            history = updates.get(action.pk, [])
            past = {
                "overrides": overrides.get(action.pk, []),
                "accepted": [when for (when,) in accepted.get(action.pk, [])],
            }
            before_start = period_start - dt.timedelta(microseconds=1)
            at_start = action_state_at(action, history, before_start, **past)
            at_end = action_state_at(action, history, period_end, **past)
            in_period = [u for u in history if period_start <= u.created_at <= period_end]
            row: dict[str, Any] = {
                "id": action.pk,
                "title": action.title,
                "owner": display_name(action.owner) if action.owner else "",
                "start": at_start,
                "end": at_end,
                "overdue_at_end": at_end["exists"]
                and is_overdue(at_end["status"], _date(at_end["due_date"]), end),
                "updates": [
                    {
                        "at": timezone.localtime(u.created_at).isoformat(timespec="minutes"),
                        "author": display_name(u.author),
                        "from": u.status_before,
                        "to": u.status_after,
                        "note": u.note,
                    }
                    for u in in_period
                ],
                "due_date_changes": [
                    {
                        "at": timezone.localtime(u.created_at).date().isoformat(),
                        "from": u.due_date_before.isoformat() if u.due_date_before else None,
                        "to": u.due_date_after.isoformat() if u.due_date_after else None,
                        "reason": u.due_date_reason,
                    }
                    for u in in_period
                    if u.due_date_changed
                ],
                "evidence": [
                    {
                        "title": e.title,
                        "kind": e.get_kind_display(),
                        "added": e.added_at.date().isoformat(),
                    }
                    for e in evidence.get(action.pk, [])
                ],
            }
            actions.append(row)
            if action.pk in counted:
                continue  # an action linked to two findings is counted once
            counted.add(action.pk)
            if at_end["exists"] and at_start["status"] != at_end["status"]:
                moved[at_end["status"]] += 1
            if (
                at_end["exists"]
                and at_end["status"] != Status.COMPLETE
                and (at_end["status"] == Status.BLOCKED or not in_period)
            ):
                stuck.append({"id": action.pk, "title": action.title, "status": at_end["status"]})
        existing = [a for a in actions if a["end"]["exists"]]
        rows.append(
            {
                "id": finding.pk,
                "inspection": _inspection_label(finding.inspection),
                "order": finding.order,
                "text": finding.text,
                "themes": [t.name for t in finding.themes.all()],
                "grade": _grade(finding),
                "status_start": rollup_status(
                    [a["start"]["status"] for a in actions if a["start"]["exists"]]
                ),
                "status_end": rollup_status([a["end"]["status"] for a in existing]),
                "rag_end": worst_rag([a["end"]["rag"] for a in existing]),
                "actions": actions,
                "commentary": comments.get(finding.pk, "").strip(),
                "measures": measures[finding.pk],
                "impact_end": impact.worst_impact(
                    m["rating"]["impact"] for m in measures[finding.pk]
                ),
            }
        )

    # Each action once, however many findings it addresses.
    all_actions = list(
        {a["id"]: a for f in rows for a in f["actions"] if a["end"]["exists"]}.values()
    )
    return {
        "version": BoardReport.SCHEMA_VERSION,
        "authority": authority.name,
        "authority_slug": authority.slug,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "generated_at": timezone.localtime().isoformat(timespec="minutes"),
        "scope": {
            "inspections": [i.pk for i in inspections],
            "label": "; ".join(_inspection_label(i) for i in inspections)
            or "The current plan: its open findings",
        },
        "commentary": summary.strip(),
        "summary": {
            "findings": len(rows),
            "findings_complete": sum(1 for f in rows if f["status_end"] == FindingStatus.COMPLETE),
            "actions": len(all_actions),
            "completed_in_period": moved[Status.COMPLETE],
            "moved": sum(moved.values()),
            "overdue": sum(1 for a in all_actions if a["overdue_at_end"]),
            "updates": sum(len(a["updates"]) for a in all_actions),
            "evidence": sum(len(a["evidence"]) for a in all_actions),
            "due_date_changes": sum(len(a["due_date_changes"]) for a in all_actions),
            "rag": {
                value: sum(1 for a in all_actions if a["end"]["rag"] == value)
                for value in RAG.values
            },
            "stuck": stuck,
            "recurring": _recurring(findings),
        },
        "findings": rows,
    }


def measures_in_period(
    findings: Sequence[Finding], *, start: dt.date, end: dt.date
) -> dict[int, list[dict[str, Any]]]:
    """Each finding's measures (by finding id) at the start and end of a period, rated at its end.

    A value counts once its period has ended: the value at the start is the latest
    whose period ended by `start`, at the end the latest whose period ended by `end`,
    and the rating is impact.rate's on the values up to the end one. Values are the
    current ones (corrections included) when the report is built; saving the report
    freezes them. Figures are strings so that a saved report keeps them exactly.
    Three queries, however many findings and measures.
    """
    prefetch_related_objects(
        list(findings), Prefetch("measures", queryset=Measure.objects.with_values())
    )
    rows: dict[int, dict[str, Any]] = {}  # a measure of two findings is worked out once
    by_finding: dict[int, list[dict[str, Any]]] = {}
    for finding in findings:
        by_finding[finding.pk] = []
        for measure in finding.measures.all():
            if measure.pk not in rows:
                rows[measure.pk] = _measure_row(measure, start, end)
            by_finding[finding.pk].append(rows[measure.pk])
    return by_finding


def _measure_row(measure: Measure, start: dt.date, end: dt.date) -> dict[str, Any]:
    values: list[MeasureValue] = measure.current_values  # type: ignore[attr-defined]
    by_start = [v for v in values if impact.period_end(measure.frequency, v.period) <= start]
    by_end = [v for v in values if impact.period_end(measure.frequency, v.period) <= end]
    rating = measure.rating_of(by_end)
    return {
        "id": measure.pk,
        "name": measure.name,
        "unit": measure.unit,
        "direction": measure.direction,
        "frequency": measure.frequency,
        "target": _figure(measure.target),
        "target_date": measure.target_date.isoformat(),
        "start": _value(measure, by_start[-1]) if by_start else None,
        "end": _value(measure, by_end[-1]) if by_end else None,
        "rating": {
            "impact": rating.impact,
            "expected": _figure(rating.expected),
            "reason": rating.reason,
        },
    }


def _value(measure: Measure, value: MeasureValue) -> dict[str, Any]:
    return {
        "period": value.period.isoformat(),
        "label": measure.period_label(value.period),
        "value": _figure(value.value),
        "england_average": _figure(value.england_average),
        "neighbours_average": _figure(value.neighbours_average),
    }


def has_measures(data: dict) -> bool:
    """Whether a saved report has its findings' measures: schema 3 on."""
    return data["version"] >= 3


def _figure(value: Decimal | None) -> str | None:
    """A figure as JSON keeps it exactly: a string, to the hundredth."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def _inspection_label(inspection) -> str:
    return Inspection.describe(inspection.kind, inspection.start_date)


def _recurring(findings: list[Finding]) -> list[dict]:
    """Themes raised in more than one inspection, oldest first (undated visits last)."""
    links = []
    for finding in findings:
        i = finding.inspection
        inspection = RecurringInspection(i.pk, i.kind, i.start_date)
        links += [(theme.pk, theme.name, inspection, None) for theme in finding.themes.all()]
    return [
        {"theme": row["theme"], "inspections": [i.label for i, _ in row["inspections"]]}
        for row in recurring_themes(links)
    ]


def period_label(data: dict) -> str:
    start = dt.date.fromisoformat(data["start"])
    end = dt.date.fromisoformat(data["end"])
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def _grade(finding: Finding) -> str:
    """The grade the inspection gave the finding's judgement area, if it graded it."""
    for judgement in finding.inspection.judgements.all():
        if finding.judgement_area and judgement.area == finding.judgement_area:
            return judgement.get_grade_display()
    return ""


def _grouped(rows) -> dict[int, list[tuple]]:
    """(key, *rest) rows ordered by key, as {key: [rest, ...]}."""
    return {k: [tuple(r[1:]) for r in g] for k, g in groupby(rows, key=lambda r: r[0])}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def compare_reports(previous: dict, current: dict) -> list[dict]:
    """What changed for each action between two saved reports' period ends."""
    before = {a["id"]: a for f in previous["findings"] for a in f["actions"]}
    changes = []
    seen: set[int] = set()
    for finding in current["findings"]:
        for action in finding["actions"]:
            if action["id"] in seen:
                continue  # an action linked to two findings is listed once
            seen.add(action["id"])
            old = before.get(action["id"])
            if old is None or not old["end"]["exists"]:
                if action["end"]["exists"]:
                    changes.append({"title": action["title"], "change": "New action"})
                continue
            for key, label in (("status", "Status"), ("rag", "RAG"), ("due_date", "Due date")):
                if old["end"][key] != action["end"][key]:
                    changes.append(
                        {
                            "title": action["title"],
                            "change": label,
                            "from": old["end"][key],
                            "to": action["end"][key],
                        }
                    )
    return changes


def compare_two(earlier: dict, later: dict) -> dict:
    """What moved between two saved reports, whichever two: findings whose status or RAG
    moved, and actions added, completed, slipped (due date later) or newly overdue."""
    before_findings = {f["id"]: f for f in earlier["findings"]}
    before = {a["id"]: a for f in earlier["findings"] for a in f["actions"] if a["end"]["exists"]}
    after = {a["id"]: a for f in later["findings"] for a in f["actions"] if a["end"]["exists"]}
    findings = []
    for finding in later["findings"]:
        old = before_findings.get(finding["id"])
        if old and (old["status_end"], old["rag_end"]) != (
            finding["status_end"],
            finding["rag_end"],
        ):
            findings.append({"text": finding["text"], "before": old, "after": finding})
    complete = Status.COMPLETE.value
    return {
        "findings": findings,
        "measures": _measures_compared(earlier, later),
        "added": [a for pk, a in after.items() if pk not in before],
        "completed": [
            a
            for pk, a in after.items()
            if a["end"]["status"] == complete
            and before.get(pk, {"end": {}})["end"].get("status") != complete
        ],
        "slipped": [
            {"action": a, "from": before[pk]["end"]["due_date"], "to": a["end"]["due_date"]}
            for pk, a in after.items()
            if pk in before
            and a["end"]["due_date"]
            and before[pk]["end"]["due_date"]
            and a["end"]["due_date"] > before[pk]["end"]["due_date"]
        ],
        "newly_overdue": [
            a
            for pk, a in after.items()
            if a["overdue_at_end"] and not before.get(pk, {}).get("overdue_at_end")
        ],
    }


def _measures_compared(earlier: dict, later: dict) -> list[dict]:
    """Each measure of either report (once, however many findings it evidences) with its
    value at each report's period end; none when either report predates measures."""
    if not (has_measures(earlier) and has_measures(later)):
        return []
    before = {m["id"]: m for f in earlier["findings"] for m in f["measures"]}
    after = {m["id"]: m for f in later["findings"] for m in f["measures"]}
    return [
        {
            "name": (after.get(pk) or before[pk])["name"],
            "unit": (after.get(pk) or before[pk])["unit"],
            "before": before[pk]["end"] if pk in before else None,
            "after": after[pk]["end"] if pk in after else None,
            "rating_before": before[pk]["rating"]["impact"] if pk in before else None,
            "rating_after": after[pk]["rating"]["impact"] if pk in after else None,
        }
        for pk in {**after, **before}
    ]
