"""Import of outcome measures' values from CSV or XLSX, and the file to edit for it.

Analysts keep these figures in spreadsheets, so typing dozens of them into a
form invites slips. The download of an authority's current values has the
import's columns; edited and uploaded again, every row is checked before
anything is written (as the bulk import of actions is), the preview says what
each row will do, and nothing is written unless every row is valid. The
writing itself is `services.measure_record_values`, which checks permission
and the rules again, and refuses if a figure changed since the preview.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from inspections.models import LocalAuthority

from . import impact
from .bulk import LOOKUP, CheckedFile, ImportFileError, cell_text, read_table
from .choices import Frequency, Unit
from .forms.fields import EARLIEST, LATEST
from .models import Measure, MeasureValue
from .services.measures import ValueEntry, current_values, entry_problems, is_correction
from .tables import NUMBER, TEXT, Column, table_bytes

# Columns the import reads no value from: they help whoever edits the file.
READ_ONLY = "read only"


def period_cell(value: MeasureValue) -> str:
    """A period as the import reads it back, and a person reads it: 2026-11, 2026 Q4."""
    start = value.period
    if value.measure.frequency == Frequency.QUARTERLY:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


VALUE_COLUMNS = [
    Column("measure", lambda v: v.measure.name, LOOKUP, 40),
    Column("period", period_cell, LOOKUP, 12),
    Column("value", lambda v: v.value, NUMBER, 12),
    Column("england_average", lambda v: v.england_average, NUMBER, 16),
    Column("neighbours_average", lambda v: v.neighbours_average, NUMBER, 18),
    Column("note", lambda v: v.note, TEXT, 40),
    Column("unit", lambda v: v.measure.get_unit_display(), READ_ONLY, 16),
    Column("frequency", lambda v: v.measure.get_frequency_display(), READ_ONLY, 12),
]
COLUMNS = [c.header for c in VALUE_COLUMNS if c.kind != READ_ONLY]
REQUIRED = ("measure", "period", "value")
OPTIONAL = {"england_average", "neighbours_average", "note"}
FIGURES = ("value", "england_average", "neighbours_average")
# Longer files are refused (as are files over forms.measure_import.MAX_BYTES): an
# import is checked and written while the person waits.
MAX_ROWS = 2000
# The most a value may be (the model's limit), and the decimal places it keeps.
MAX_FIGURE = Decimal("9999999999")
PLACES = 2
# A figure as people (and spreadsheets) write it: 1204, 1,204.5, 62.5%, 1.2E+3.
NUMBER_TEXT = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)?(\.\d+)?(e[+-]?\d{1,6})?%?$", re.IGNORECASE)


def export_values(authority: LocalAuthority, user, fmt: str) -> bytes:
    """Every current value of the authority's measures the user may see, in the import's columns."""
    values = (
        MeasureValue.objects.current()
        .filter(measure__in=Measure.objects.visible_to(user).filter(authority=authority))
        .select_related("measure")
        .order_by("measure__name", "measure__pk", "period")
    )
    return table_bytes(VALUE_COLUMNS, values, fmt)


@dataclass
class Row:
    number: int
    measure: Measure | None = None
    entry: ValueEntry | None = None
    current: MeasureValue | None = None
    cells: dict[str, str] = field(default_factory=dict)  # as typed, for the preview
    errors: list[str] = field(default_factory=list)

    @property
    def verb(self) -> str:
        if self.entry is None or self.errors:
            return "not imported"
        if self.current is None:
            return "added"
        return "corrected" if is_correction(self.entry, self.current) else "unchanged"

    @property
    def period_label(self) -> str:
        if self.entry is None:
            return self.cells.get("period", "")
        return self.entry.measure.period_label(self.entry.period)

    @property
    def figures(self) -> list[str]:
        """Value, England and neighbours' averages as people read them (62.5%), or as typed."""
        if self.entry is None:
            return [self.cells.get(name, "") for name in FIGURES]
        return [self.entry.measure.display(getattr(self.entry, name)) for name in FIGURES]

    @property
    def was(self) -> str:
        """The figure a correction replaces."""
        if self.current is None:
            return ""
        return self.current.measure.display(self.current.value)


@dataclass
class ValueImport(CheckedFile[Row]):
    name: str = ""  # the file's

    @property
    def entries(self) -> list[ValueEntry]:
        return [row.entry for row in self.rows if row.entry is not None]

    @property
    def seen(self) -> dict[str, int | None]:
        """The current value each row was checked against: kept between preview and confirm."""
        return {f"{e.measure.pk}:{e.period.isoformat()}": e.seen for e in self.entries}

    def refuse_if_changed_since(self, previewed: dict[str, int | None]) -> None:
        """An error for each figure entered or corrected after the preview was shown."""
        for row in self.rows:
            entry = row.entry
            if entry is None:
                continue
            key = f"{entry.measure.pk}:{entry.period.isoformat()}"
            if key in previewed and previewed[key] == entry.seen:
                continue
            self.file_errors.append(
                f"The value of “{entry.measure}” for {row.period_label} changed after the "
                "preview was shown. Nothing was written: upload the file again to check it "
                "against the figures as they are now."
            )

    @property
    def counts(self) -> dict[str, int]:
        verbs = [row.verb for row in self.rows]
        return {verb: verbs.count(verb) for verb in ("added", "corrected", "unchanged")}


def parse_values(data: bytes, filename: str, *, authority: LocalAuthority, user) -> ValueImport:
    """Check every row of a file of values for the authority's measures, as `user` enters them."""
    try:
        table = read_table(data, filename, columns=COLUMNS, optional=OPTIONAL)
    except ImportFileError as exc:
        return ValueImport(name=filename, rows=[], file_errors=[str(exc)])
    if len(table) > MAX_ROWS:
        return ValueImport(
            name=filename,
            rows=[],  # not checked: too many to wait for
            file_errors=[
                f"The file has {len(table):,} rows of values; import at most {MAX_ROWS:,} at a "
                "time (split the file)."
            ],
        )
    if not table:
        return ValueImport(
            name=filename, rows=[], file_errors=["The file has a header row but no values."]
        )
    measures = Measure.objects.filter(authority=authority)
    by_name = {m.name.lower(): m for m in measures}
    enterable = set(measures.enterable_by(user).values_list("pk", flat=True))
    rows = [_parse_row(number, raw, authority, by_name, enterable) for number, raw in table]
    _check_against_current(rows)
    return ValueImport(name=filename, rows=rows)


def _parse_row(
    number: int,
    raw: dict,
    authority: LocalAuthority,
    by_name: dict[str, Measure],
    enterable: set[int],
) -> Row:
    row = Row(number=number, cells={c: _shown_cell(raw.get(c)) for c in COLUMNS})

    def error(column: str, message: str) -> None:
        row.errors.append(f"Row {number}, {column}: {message}")

    for column in REQUIRED:
        if not cell_text(raw, column):
            error(column, "this column must not be empty")

    name = cell_text(raw, "measure")
    measure = by_name.get(name.lower()) if name else None
    if name and measure is None:
        error("measure", f"no measure called '{name}' in {authority}")
    elif measure is not None and measure.pk not in enterable:
        error("measure", f"you may not enter values for '{measure}'")
    row.measure = measure

    period = None
    cell = raw.get("period")
    if cell_text(raw, "period"):
        period = _period(cell, measure.frequency if measure else None)
        if period is None:
            error("period", _not_a_period(cell, measure))
        elif not EARLIEST <= period <= LATEST:
            error("period", f"'{cell_text(raw, 'period')}' is not between 2000 and 2100")
            period = None

    figures: dict[str, Decimal | None] = {}
    for column in FIGURES:
        problem = None
        try:
            figures[column] = _figure(raw.get(column), measure)
        except ValueError as exc:
            problem = str(exc)
        if problem:
            error(column, problem)

    if row.errors or measure is None or period is None or figures["value"] is None:
        return row
    row.entry = ValueEntry(
        measure=measure,
        period=period,
        value=figures["value"],
        england_average=figures["england_average"],
        neighbours_average=figures["neighbours_average"],
        note=cell_text(raw, "note"),
    )
    return row


def _check_against_current(rows: list[Row]) -> None:
    """The rules that need the figures as they are now, and rows that repeat a period.

    Each entry records the current value it was checked against, so that a
    figure entered after the preview is noticed on confirm.
    """
    current = current_values([r.entry for r in rows if r.entry is not None])
    today = timezone.localdate()
    first_row: dict[tuple[int, dt.date], int] = {}
    for row in rows:
        entry = row.entry
        if entry is None:
            continue
        key = (entry.measure.pk, entry.period)
        if key in first_row:
            row.errors.append(
                f"Row {row.number}, period: {row.period_label} of '{entry.measure}' is also on "
                f"row {first_row[key]}"
            )
        first_row.setdefault(key, row.number)
        row.current = current.get(key)
        row.entry = entry = replace(entry, seen=row.current.pk if row.current else None)
        for column, message in entry_problems(entry, row.current, today):
            row.errors.append(f"Row {row.number}, {column}: {message}")
        if (
            row.current is not None
            and is_correction(entry, row.current)
            and entry.note
            and entry.note == row.current.note.strip()
        ):
            # The exported note says why the old figure was what it was, not why it changed.
            row.errors.append(
                f"Row {row.number}, note: {row.period_label} already has a value "
                f"({entry.measure.display(row.current.value)}) with this note: "
                "say in the note why it changed"
            )


def _period(cell: object, frequency: str | None) -> dt.date | None:
    if frequency is not None:
        return impact.parse_period(cell, frequency)
    # The measure is unknown (and reported): still say whether the period reads as one.
    return impact.parse_period(cell, Frequency.MONTHLY) or impact.parse_period(
        cell, Frequency.QUARTERLY
    )


def _not_a_period(cell: object, measure: Measure | None) -> str:
    if measure is not None and measure.frequency == Frequency.QUARTERLY:
        return f"'{cell}' is not a quarter (use 2026 Q4, or a date or month in the quarter)"
    return f"'{cell}' is not a month (use 2026-11 or Nov 2026)"


def _figure(cell: object, measure: Measure | None) -> Decimal | None:
    """A figure from a cell: a number, or text such as 1,204.5 or 62.5%. None if empty.

    Raises ValueError saying what is wrong with it.
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError(f"'{cell}' is not a number")
    if isinstance(cell, float):
        # Excel keeps binary fractions: 62.5 may come back as 62.50000000000001.
        cell = round(cell, 9)
        number = Decimal(repr(cell))
    elif isinstance(cell, int):
        number = Decimal(cell)
    else:
        text = str(cell).strip()
        if not NUMBER_TEXT.match(text):
            raise ValueError(f"'{text[:40]}' is not a number")
        if text.endswith("%") and measure is not None and measure.unit != Unit.PERCENTAGE:
            unit = measure.get_unit_display().lower()
            raise ValueError(f"'{text}' is a percentage, but '{measure}' is a {unit}")
        try:
            number = Decimal(text.rstrip("%").replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(f"'{text[:40]}' is not a number") from exc
    if not number.is_finite():
        raise ValueError(f"'{cell}' is not a number")
    if abs(number) > MAX_FIGURE:
        raise ValueError(f"'{cell}' is too large (at most {MAX_FIGURE:,})")
    if number != number.quantize(Decimal(1).scaleb(-PLACES)):
        raise ValueError(f"'{cell}' has more than {PLACES} decimal places: round it")
    return number.quantize(Decimal(1).scaleb(-PLACES))


def _shown_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)[:200]
