"""The columns of each download, declared once (see tables.Column), and the rows
each of the plan's downloads holds for a person."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from inspections.models import LocalAuthority

from . import selectors
from .access import authorities_administered_by, findings_visible_to
from .bulk import BULK_COLUMNS, actions_for_import
from .choices import RAG, Direction, ExportKind, FindingStatus, Impact, Status, Unit
from .filters import ActionFilter, FindingFilter
from .models import Action
from .people import display_name
from .tables import DATE, DATETIME, NUMBER, Column

FINDING_COLUMNS = [
    Column("Authority", lambda r: r.finding.inspection.authority.name),
    Column("Inspection", lambda r: r.finding.inspection.get_kind_display()),
    Column("Inspection start", lambda r: r.finding.inspection.start_date, DATE, 14),
    Column("Order", lambda r: r.finding.order, NUMBER, 8),
    Column("Finding", lambda r: r.finding.text, width=60),
    Column("Judgement area", lambda r: r.finding.get_judgement_area_display()),
    Column("Themes", lambda r: "; ".join(t.name for t in r.finding.themes.all())),
    Column("Owners", lambda r: "; ".join(r.owner_names)),
    Column("Status", lambda r: r.rollup_status_label, width=16),
    Column("RAG", lambda r: r.rollup_rag_label, width=10),
    Column("Impact", lambda r: r.impact_label, width=14),
    Column("Measures", lambda r: len(r.measures), NUMBER, 10),
    Column("Actions", lambda r: r.action_count, NUMBER, 10),
    Column("Evidence", lambda r: r.evidence_count, NUMBER, 10),
    Column("Last update", lambda r: r.last_update, DATETIME, 18),
]


# Labels looked up once rather than through get_FOO_display() for every row: at
# 100,000 rows, Django's generic lookup was a tenth of an export's time.
STATUSES = dict(Status.choices)
RAGS = dict(RAG.choices)


def _owner(action: selectors.ExportAction) -> str:
    return display_name(action.owner) if action.owner else ""


# Read from selectors.export_actions (plain rows).
ACTION_COLUMNS = [
    Column("Authority", lambda a: a.authority),
    Column("Action", lambda a: a.title, width=40),
    Column("Findings", lambda a: "\n".join(a.findings), width=60),
    Column("Owner", _owner),
    Column("Team", lambda a: a.team),
    Column("Status", lambda a: STATUSES.get(a.status, a.status), width=16),
    Column("RAG", lambda a: RAGS[a.rag], width=10),
    Column("Start date", lambda a: a.start_date, DATE, 14),
    Column("Original due date", lambda a: a.original_due_date, DATE, 14),
    Column("Current due date", lambda a: a.due_date, DATE, 14),
    Column("Completed", lambda a: a.completed_date, DATE, 14),
    Column("Last update", lambda a: a.last_update_at, DATETIME, 18),
]


def _status_label(value: str) -> str:
    return Status(value).label if value else "Not yet created"


def _action(row: tuple[dict, dict | None], key: str, default: Any = "") -> Any:
    action = row[1]
    return default if action is None else action[key]


# A board report's rows: (finding, action) pairs from the saved data; a finding
# with no actions has one row with no action.
BOARD_REPORT_COLUMNS = [
    Column("Finding", lambda r: r[0]["text"], width=60),
    Column("Inspection", lambda r: r[0]["inspection"]),
    Column("Commentary", lambda r: r[0].get("commentary", ""), width=40),
    Column("Finding status at start", lambda r: FindingStatus(r[0]["status_start"]).label),
    Column("Finding status at end", lambda r: FindingStatus(r[0]["status_end"]).label),
    Column("Action", lambda r: r[1]["title"] if r[1] else "(no actions)", width=40),
    Column("Owner", lambda r: _action(r, "owner")),
    Column("Status at start", lambda r: _status_label(r[1]["start"]["status"]) if r[1] else ""),
    Column("Status at end", lambda r: _status_label(r[1]["end"]["status"]) if r[1] else ""),
    Column(
        "RAG at end",
        lambda r: RAG(r[1]["end"]["rag"]).label if r[1] and r[1]["end"]["rag"] else "",
    ),
    Column("Due at end", lambda r: r[1]["end"]["due_date"] if r[1] else None, DATE, 14),
    Column("Overdue at end", lambda r: ("Yes" if r[1]["overdue_at_end"] else "No") if r[1] else ""),
    Column(
        "Updates in period",
        lambda r: "\n".join(
            f"{u['at']} {u['author']}: {u['note']}" for u in _action(r, "updates", [])
        ),
        width=60,
    ),
    Column(
        "Evidence added in period",
        lambda r: "\n".join(e["title"] for e in _action(r, "evidence", [])),
        width=40,
    ),
    Column(
        "Due date changes in period",
        lambda r: "\n".join(
            f"{c['from']} to {c['to']}: {c['reason']}" for c in _action(r, "due_date_changes", [])
        ),
        width=40,
    ),
]


def board_report_rows(data: dict) -> list[tuple[dict, dict | None]]:
    rows: list[tuple[dict, dict | None]] = []
    for finding in data["findings"]:
        if not finding["actions"]:
            rows.append((finding, None))
        rows.extend((finding, action) for action in finding["actions"])
    return rows


def _measure(row: tuple[dict, dict | None], *keys: str) -> Any:
    """A measure's saved field (`"end", "value"`), or None on a finding with no measures."""
    value: Any = row[1]
    for key in keys:
        if value is None:
            return None
        value = value[key]
    return value


def _number(text: str | None) -> Decimal | None:
    """A saved figure (kept as a string) as a number cell."""
    return None if text is None else Decimal(text)


# A board report's measures (schema 3 on): (finding, measure) pairs from the saved data;
# a finding with no measures has one row with no measure. Figures are numbers, in the unit.
BOARD_REPORT_MEASURE_COLUMNS = [
    Column("Finding", lambda r: r[0]["text"], width=60),
    Column("Inspection", lambda r: r[0]["inspection"]),
    Column("Finding impact at end", lambda r: Impact(r[0]["impact_end"]).label, width=16),
    Column("Measure", lambda r: r[1]["name"] if r[1] else "(no measures)", width=40),
    Column("Unit", lambda r: Unit(r[1]["unit"]).label if r[1] else ""),
    Column("Direction", lambda r: Direction(r[1]["direction"]).label if r[1] else ""),
    Column("Target", lambda r: _number(_measure(r, "target")), NUMBER, 12),
    Column("Target date", lambda r: _measure(r, "target_date"), DATE, 14),
    Column("Period at start", lambda r: _measure(r, "start", "label"), width=14),
    Column("Value at start", lambda r: _number(_measure(r, "start", "value")), NUMBER, 12),
    Column("Period at end", lambda r: _measure(r, "end", "label"), width=14),
    Column("Value at end", lambda r: _number(_measure(r, "end", "value")), NUMBER, 12),
    Column(
        "England average at end",
        lambda r: _number(_measure(r, "end", "england_average")),
        NUMBER,
        12,
    ),
    Column(
        "Statistical neighbours at end",
        lambda r: _number(_measure(r, "end", "neighbours_average")),
        NUMBER,
        12,
    ),
    Column(
        "Rating at end",
        lambda r: Impact(r[1]["rating"]["impact"]).label if r[1] else "",
        width=16,
    ),
    Column("Why", lambda r: _measure(r, "rating", "reason"), width=50),
]


def board_report_measure_rows(data: dict) -> list[tuple[dict, dict | None]]:
    """One row per finding and measure; a measure of two findings is under each."""
    rows: list[tuple[dict, dict | None]] = []
    for finding in data["findings"]:
        if not finding["measures"]:
            rows.append((finding, None))
        rows.extend((finding, measure) for measure in finding["measures"])
    return rows


# A finding comes with all its actions (dozens, at national scale): fewer at a time.
FINDINGS_CHUNK_SIZE = 200


def export_queryset(
    kind: str, user, params: QueryDict, authorities: QuerySet[LocalAuthority] | None = None
) -> QuerySet | None:
    """What a download of this kind holds for the user now, filtered by `params` as on
    the page (and to `authorities`, if given); None if the filters are not valid."""
    request = HttpRequest()  # the filters read the person from a request
    request.user = user
    if kind == ExportKind.ACTIONS_FOR_IMPORT:
        actions = Action.objects.filter(authority__in=authorities_administered_by(user))
        if authorities is not None:
            actions = actions.filter(authority__in=authorities)
        return actions_for_import(actions)
    if kind == ExportKind.FINDINGS:
        findings = findings_visible_to(user)
        if authorities is not None:
            findings = findings.filter(inspection__authority__in=authorities)
        finding_filter = FindingFilter(params, queryset=findings, request=request)
        return finding_filter.qs if finding_filter.is_valid() else None
    actions = Action.objects.visible_to(user)
    if authorities is not None:
        actions = actions.filter(authority__in=authorities)
    action_filter = ActionFilter(params, queryset=actions, request=request)
    return action_filter.qs.for_export() if action_filter.is_valid() else None


def export_table(kind: str, queryset: QuerySet) -> tuple[Sequence[Column], Iterable[Any]]:
    """The columns and the rows of a download, the rows read a chunk at a time."""
    if kind == ExportKind.FINDINGS:
        return FINDING_COLUMNS, selectors.export_findings(queryset, FINDINGS_CHUNK_SIZE)
    if kind == ExportKind.ACTIONS_FOR_IMPORT:
        return BULK_COLUMNS, queryset
    return ACTION_COLUMNS, selectors.export_actions(queryset)
