"""Bulk export and import of improvement plan actions as CSV or XLSX.

An export can be edited in a spreadsheet and imported back. Every row is
checked first; nothing is written unless every row is valid, and then all of
it is written in one transaction. A finding is referred to by its inspection
and position: "2023-03-13 standard #1" (undated visits: "undated focused_visit
(id 5) #2"); several are separated by "; ".
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePath
from typing import Any, Protocol, cast

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import QuerySet
from openpyxl import load_workbook

from inspections.models import Finding, LocalAuthority

from .access import plan_errors
from .choices import Status
from .models import Action, Team
from .rules import completed_date_error
from .services import lock_action
from .tables import DATE, FORMULA_STARTS, NUMBER, TEXT, Column, headers, table_bytes
from .text import plain_text
from .uploads import UnsafeArchive, sniff

FINDING_REF = re.compile(
    r"^(?:(?P<date>\d{4}-\d{2}-\d{2})|undated) (?P<kind>[a-z_]+)"
    r"(?: \(id (?P<pk>\d+)\))? #(?P<order>\d+)$"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read."""


def finding_ref(finding: Finding) -> str:
    inspection = finding.inspection
    if inspection.start_date:
        return f"{inspection.start_date.isoformat()} {inspection.kind} #{finding.order}"
    return f"undated {inspection.kind} (id {inspection.pk}) #{finding.order}"


LOOKUP = "lookup"  # a name the import looks up: an authority, user, team, finding or choice

BULK_COLUMNS = [
    Column("id", lambda a: a.pk, NUMBER),
    Column("authority", lambda a: a.authority.name, LOOKUP),
    Column("findings", lambda a: "; ".join(finding_ref(f) for f in a.findings.all()), LOOKUP),
    Column("title", lambda a: a.title),
    Column("description", lambda a: a.description),
    Column("owner", lambda a: a.owner.get_username() if a.owner else "", LOOKUP),
    Column("team", lambda a: a.team.name if a.team else "", LOOKUP),
    Column("partner_agency", lambda a: a.partner_agency),
    Column("priority", lambda a: a.priority, LOOKUP),
    Column("start_date", lambda a: a.start_date, DATE),
    Column("original_due_date", lambda a: a.original_due_date, DATE),
    Column("due_date", lambda a: a.due_date, DATE),
    Column("status", lambda a: a.get_status_display(), LOOKUP),
    Column("completed_date", lambda a: a.completed_date, DATE),
    Column("success_measure", lambda a: a.success_measure),
    # The action's version when exported: an import over a newer version is refused.
    Column("version", lambda a: a.version, NUMBER),
]
COLUMNS = headers(BULK_COLUMNS)
OPTIONAL = {"version"}
# Complete comes only from a leader's sign-off, so a file cannot make an action complete.
SIGNED_OFF_ONLY = (
    "an action becomes Complete only when a leader signs it off on its page; use Ready for sign-off"
)
# Larger files are refused: an import is checked and written while the person waits.
MAX_ROWS = 2000
REQUIRED = {"authority", "findings", "title", "status"}
DATE_FIELDS = [c.header for c in BULK_COLUMNS if c.kind == DATE]
TEXT_FIELDS = [c.header for c in BULK_COLUMNS if c.kind == TEXT]


def actions_for_import(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """The actions with everything BULK_COLUMNS reads, in a fixed number of queries."""
    return (
        queryset.select_related("authority", "owner", "team")
        .prefetch_related("findings__inspection")
        .order_by("pk")
    )


def export_actions(queryset: QuerySet[Action], fmt: str) -> bytes:
    return table_bytes(BULK_COLUMNS, actions_for_import(queryset), fmt)


@dataclass
class Row:
    number: int
    action: Action | None = None
    values: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    seen_version: int | None = None  # the action's version when the row was checked

    @property
    def verb(self) -> str:
        if self.action is None:
            return "create"
        return "update" if self.changes else "unchanged"


class CheckedRow(Protocol):
    errors: list[str]


@dataclass
class CheckedFile[RowT: CheckedRow]:
    """An uploaded file's rows as checked, and what is wrong with the file as a whole;
    shared by every import that previews a file before writing it."""

    rows: list[RowT]
    file_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [e for row in self.rows for e in row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class ImportResult(CheckedFile[Row]):
    @property
    def versions(self) -> dict[str, int]:
        """The version of each existing action as checked: kept between preview and confirm."""
        return {str(r.action.pk): r.seen_version for r in self.rows if r.action and r.seen_version}

    def refuse_if_changed_since(self, previewed: dict[str, int]) -> None:
        """Add an error for each action that changed after the preview was shown."""
        for pk, version in sorted(self.versions.items()):
            if previewed.get(pk) != version:
                self.file_errors.append(
                    f"Action {pk} changed after the preview was shown. Nothing was written: "
                    "upload the file again to see the actions as they are now."
                )

    @property
    def counts(self) -> dict[str, int]:
        verbs = [row.verb for row in self.rows]
        return {verb: verbs.count(verb) for verb in ("create", "update", "unchanged")}


# Bounds on reading, whatever the importer's own row limit: rows read (blank ones
# too, as a sheet can declare a million) and columns read from each row.
READ_MAX_ROWS = 20_000
READ_MAX_COLUMNS = 50


def read_table(
    data: bytes,
    filename: str,
    *,
    columns: Sequence[str] = COLUMNS,
    optional: Collection[str] = OPTIONAL,
) -> list[tuple[int, dict]]:
    """Rows as dicts keyed by column name, each with its row number as a spreadsheet
    shows it (blank rows are skipped, not counted out); raises ImportFileError when unreadable.

    `columns` not in `optional` must be in the header row; other columns are
    kept, for the caller to ignore. Blank rows are dropped. An Excel workbook is
    a zip archive, so its directory is checked (uploads.check_archive) before
    openpyxl expands anything: a small upload could otherwise expand to gigabytes.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        values = _xlsx_rows(data)
    elif suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError("The CSV file must be saved as UTF-8.") from exc
        try:
            values = list(islice(csv.reader(io.StringIO(text)), READ_MAX_ROWS + 1))
        except csv.Error as exc:
            raise ImportFileError(f"The CSV file cannot be read: {exc}.") from exc
    else:
        raise ImportFileError("Upload a .csv or .xlsx file.")
    if len(values) > READ_MAX_ROWS:
        raise ImportFileError(
            f"The file has more than {READ_MAX_ROWS:,} rows (blank ones included); "
            "delete the rows you do not need."
        )
    numbered = [
        (number, cells[:READ_MAX_COLUMNS])
        for number, cells in enumerate(values, start=1)
        if any(c not in (None, "") for c in cells)
    ]
    if not numbered:
        raise ImportFileError("The file is empty.")
    header = [str(h or "").strip().lower() for h in numbered[0][1]]
    missing = [c for c in columns if c not in header and c not in optional]
    if missing:
        raise ImportFileError("The header row is missing these columns: " + ", ".join(missing))
    return [(number, dict(zip(header, cells, strict=False))) for number, cells in numbered[1:]]


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    file = io.BytesIO(data)
    try:
        if not sniff(file, "xlsx"):
            raise ImportFileError("The file is not a readable Excel (.xlsx) workbook.")
    except UnsafeArchive as exc:
        raise ImportFileError(f"The workbook cannot be read safely: {exc}.") from exc
    try:
        sheet = load_workbook(file, read_only=True, data_only=True).active
        if sheet is None:
            raise ImportFileError("The workbook has no sheet to read.")
        # The sheet's declared size is not trusted: openpyxl stops at a declared last
        # row that is too small (dropping rows silently) and pads to one too large.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        rows = sheet.iter_rows(values_only=True, max_col=READ_MAX_COLUMNS)
        return [list(r) for r in islice(rows, READ_MAX_ROWS + 1)]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError("The file is not a readable Excel (.xlsx) workbook.") from exc


def parse_actions(
    data: bytes, filename: str, *, authorities: QuerySet[LocalAuthority] | None = None
) -> ImportResult:
    """Check every row of a file; `authorities` are those the importer may write to."""
    try:
        table = read_table(data, filename)
    except ImportFileError as exc:
        return ImportResult(rows=[], file_errors=[str(exc)])
    if len(table) > MAX_ROWS:
        return ImportResult(
            rows=[],
            file_errors=[
                f"The file has {len(table):,} actions; import at most {MAX_ROWS:,} at a time "
                "(split the file)."
            ],
        )
    lookups = _Lookups(LocalAuthority.objects.all() if authorities is None else authorities)
    seen_ids: dict[int, int] = {}
    rows = []
    for number, raw in table:
        row = Row(number=number)
        _parse_row(row, raw, lookups, seen_ids)
        rows.append(row)
    if not rows:
        return ImportResult(rows=[], file_errors=["The file has a header row but no actions."])
    return ImportResult(rows=rows)


class _Lookups:
    """Everything a row may name, loaded once."""

    def __init__(self, authorities: QuerySet[LocalAuthority]):
        self.authorities = {a.name.lower(): a for a in authorities}
        self.users = {u.get_username(): u for u in get_user_model().objects.all()}
        self.teams = {t.name.lower(): t for t in Team.objects.all()}
        self.statuses = {v: v for v in Status.values} | {
            label.lower(): value for value, label in Status.choices
        }
        self.priorities = {v: v for v in Action.Priority.values} | {
            label.lower(): value for value, label in Action.Priority.choices
        }
        self.findings = list(
            Finding.objects.filter(inspection__authority__in=authorities).select_related(
                "inspection__authority"
            )
        )


def cell_text(raw: dict, name: str) -> str:
    """A cell as plain text, without the quote an export put before a formula-like start."""
    value = raw.get(name)
    text = "" if value is None else plain_text(str(value)).strip()
    # Undo the quote that exports put before text a spreadsheet would run as a formula.
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


def _parse_row(row: Row, raw: dict, lookups: _Lookups, seen_ids: dict[int, int]) -> None:
    def error(column: str, message: str) -> None:
        row.errors.append(f"Row {row.number}, {column}: {message}")

    for column in REQUIRED:
        if not cell_text(raw, column):
            error(column, "this column must not be empty")

    authority = None
    if name := cell_text(raw, "authority"):
        authority = lookups.authorities.get(name.lower())
        if authority is None:
            error("authority", f"no local authority called '{name}'")

    action_id = cell_text(raw, "id")
    if action_id:
        try:
            pk = int(float(action_id))
        except (ValueError, OverflowError):
            error("id", f"'{action_id}' is not a number; leave it empty for a new action")
        else:
            if pk in seen_ids:
                error("id", f"action {pk} is also on row {seen_ids[pk]}")
            seen_ids[pk] = row.number
            row.action = Action.objects.filter(
                pk=pk, authority__in=lookups.authorities.values()
            ).first()
            if row.action is None:
                error("id", f"there is no action {pk}; leave it empty for a new action")
            elif authority and row.action.authority_id != authority.pk:
                error("id", f"action {pk} belongs to {row.action.authority}, not {authority}")
            else:
                row.seen_version = row.action.version
                version = cell_text(raw, "version")
                if version and version != str(row.action.version):
                    error(
                        "version",
                        f"action {pk} has changed since this file was exported (version "
                        f"{version}, now {row.action.version}); export it again",
                    )

    values: dict[str, Any] = {name: cell_text(raw, name) for name in TEXT_FIELDS}
    for name in TEXT_FIELDS:
        limit = cast(models.Field, Action._meta.get_field(name)).max_length
        if limit and len(values[name]) > limit:
            error(name, f"must be {limit} characters or fewer")

    owner = cell_text(raw, "owner")
    values["owner"] = lookups.users.get(owner) if owner else None
    if owner and values["owner"] is None:
        error("owner", f"no user called '{owner}'")
    team = cell_text(raw, "team")
    values["team"] = lookups.teams.get(team.lower()) if team else None
    if team and values["team"] is None:
        error("team", f"no team called '{team}'")
    priority = cell_text(raw, "priority")
    values["priority"] = lookups.priorities.get(priority.lower(), None) if priority else ""
    if values["priority"] is None:
        error("priority", f"'{priority}' is not a priority (use High, Medium or Low)")

    status = cell_text(raw, "status")
    values["status"] = lookups.statuses.get(status.lower()) if status else None
    if status and values["status"] is None:
        error("status", f"'{status}' is not a status (use one of: {', '.join(Status.labels)})")
    was = row.action.status if row.action else None
    if values["status"] == Status.COMPLETE and was != Status.COMPLETE:
        error("status", SIGNED_OFF_ONLY)

    for name in DATE_FIELDS:
        values[name] = None
        cell = raw.get(name)
        if cell in (None, ""):
            continue
        parsed = _date(cell)
        if parsed is None:
            error(name, f"'{cell}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        values[name] = parsed

    if problem := completed_date_error(values["status"] or "", values["completed_date"]):
        error("completed_date", problem)

    for ref in filter(None, (r.strip() for r in cell_text(raw, "findings").split(";"))):
        finding = _find(ref, authority, lookups.findings)
        if finding is None:
            error("findings", f"no finding '{ref}' for {authority or 'that authority'}")
        else:
            row.findings.append(finding)

    if authority is not None:
        problems = plan_errors(authority=authority, owner=values["owner"], findings=row.findings)
        for name, message in problems.items():
            error(name, message)
    values["authority"] = authority
    row.values = values
    if row.action is not None and not row.errors:
        row.changes = _changes(row.action, values, row.findings)


def _date(cell) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _find(ref: str, authority, findings: list[Finding]) -> Finding | None:
    match = FINDING_REF.match(ref)
    if not match or authority is None:
        return None
    for finding in findings:
        inspection = finding.inspection
        if (
            inspection.authority_id == authority.pk
            and inspection.kind == match["kind"]
            and finding.order == int(match["order"])
            and (
                (
                    match["date"]
                    and inspection.start_date
                    and inspection.start_date.isoformat() == match["date"]
                )
                or (not match["date"] and match["pk"] and inspection.pk == int(match["pk"]))
            )
        ):
            return finding
    return None


def _changes(action: Action, values: dict, findings: list[Finding]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    if {f.pk for f in action.findings.all()} != {f.pk for f in findings}:
        changed.append("findings")
    return changed


def apply_import(result: ImportResult) -> dict[str, int]:
    """Write a valid import, all in one transaction. Unchanged rows are left alone.

    Raises services.ActionChanged, writing nothing, if an action changed after
    its row was checked.
    """
    if not result.is_valid:
        raise ValueError("Only a valid import can be applied.")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for row in result.rows:
            if row.verb == "unchanged":
                counts["unchanged"] += 1
                continue
            action = Action()
            if row.action is not None:
                # Locked until the end, and refused if someone wrote to it since the check.
                action = lock_action(row.action.pk, row.seen_version or row.action.version)
            for name, value in row.values.items():
                setattr(action, name, value)
            action._change_reason = "Bulk import"
            action.full_clean(exclude=["findings"])
            action.save()
            if row.verb == "create" or "findings" in row.changes:
                action.findings.set(row.findings)
            counts["created" if row.action is None else "updated"] += 1
    return counts
