"""The impact rules: a measure's periods, its trajectory to target and its rating.

Everything that decides whether a measure is on track lives here, as plain
functions of plain values, so that the finding page, the dashboard, the board
report and the reminders all rate a measure the same way.

The rating rule (`rate`), in words:

1. A measure is rated from its second value on; the first value is its
   baseline, and one value alone is "Not yet rated".
2. Its trajectory runs in straight lines from the baseline (at the end of the
   baseline's period) through each interim target to the target, each at its
   date. A value counts at the end of the period it describes.
3. The latest value is "On track" if it already meets the target, or is at or
   better than the trajectory at the end of its period ("better" is higher or
   lower, as the measure says).
4. Otherwise it is "Close" if it falls short of the trajectory by no more than
   CLOSE_SHARE (a tenth) of the planned improvement, |target − baseline| (or of
   the target itself, when the baseline already equals the target), and "Off
   track" if it falls short by more.

A finding's impact is its worst-rated measure's rating; a finding whose
measures are all unrated is "Not yet rated", one without measures "No measures".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .choices import Direction, Frequency, Impact, Unit

# How far short of its trajectory a measure may be and still be "Close", as a
# share of the improvement planned from baseline to target.
CLOSE_SHARE = Decimal("0.10")

# Worst first: the order a finding's measures roll up in.
IMPACT_ORDER = (Impact.OFF_TRACK, Impact.CLOSE, Impact.ON_TRACK)

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS = tuple(name[:3] for name in MONTH_NAMES)


# Periods ---------------------------------------------------------------------


def period_start(frequency: str, day: dt.date) -> dt.date:
    """The first day of the month or calendar quarter that `day` falls in."""
    if frequency == Frequency.QUARTERLY:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, day.month, 1)


def next_period(frequency: str, start: dt.date) -> dt.date:
    months = 3 if frequency == Frequency.QUARTERLY else 1
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def period_end(frequency: str, start: dt.date) -> dt.date:
    """The last day of the period that starts on `start`."""
    return next_period(frequency, start) - dt.timedelta(days=1)


def period_label(frequency: str, start: dt.date) -> str:
    """'Nov 2026' for a month; 'Oct–Dec 2026' for a quarter."""
    if frequency == Frequency.QUARTERLY:
        last = period_end(frequency, start)
        return f"{MONTHS[start.month - 1]}–{MONTHS[last.month - 1]} {start.year}"
    return f"{MONTHS[start.month - 1]} {start.year}"


def last_ended_period(frequency: str, today: dt.date) -> dt.date:
    """The start of the latest period that has ended by the end of `today`."""
    current = period_start(frequency, today)
    if period_end(frequency, current) <= today:
        return current
    previous = period_start(frequency, current - dt.timedelta(days=1))
    return previous


def periods_between(frequency: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """Period starts from first's period to last's period, inclusive."""
    periods = []
    start = period_start(frequency, first)
    while start <= last:
        periods.append(start)
        start = next_period(frequency, start)
    return periods


def missing_periods(
    frequency: str, first: dt.date, have: Iterable[dt.date], today: dt.date
) -> list[dt.date]:
    """The periods whose value is due by `today` and missing, oldest first.

    A period's value is due once the period has ended (the values form refuses
    figures for a period still running), so a quarterly measure owes nothing in
    the middle of a quarter. Every period from `first` (the measure's first
    value, its baseline, or else the period it was set up in) to the latest
    ended period is owed, so that a gap left months ago is still asked for.
    `have` holds the periods with a value; a corrected value is still a value.
    """
    present = {period_start(frequency, day) for day in have}
    last = last_ended_period(frequency, today)
    return [p for p in periods_between(frequency, first, last) if p not in present]


_PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$"), "ymd"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), "my"),
    (re.compile(r"^(\d{4})[ -]?q([1-4])$", re.IGNORECASE), "yq"),
    (re.compile(r"^q([1-4])[ -]?(\d{4})$", re.IGNORECASE), "qy"),
    (re.compile(r"^([a-z]{3,9}) (\d{4})$", re.IGNORECASE), "month name"),
)


def parse_period(value: object, frequency: str) -> dt.date | None:
    """The period a cell names, as its first day; None if it names none.

    Accepts a date (any day of the period), 2026-11, 2026-11-30, 30/11/2026,
    11/2026, Nov 2026 or November 2026, and for quarters also 2026 Q4 or Q4 2026
    (calendar quarters: Q1 is January to March).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return period_start(frequency, value)
    text = str(value or "").strip()
    for pattern, kind in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        try:
            if kind == "ymd":
                day = dt.date(int(match[1]), int(match[2]), int(match[3] or 1))
            elif kind == "dmy":
                day = dt.date(int(match[3]), int(match[2]), int(match[1]))
            elif kind == "my":
                day = dt.date(int(match[2]), int(match[1]), 1)
            elif kind in ("yq", "qy"):
                year, quarter = (match[1], match[2]) if kind == "yq" else (match[2], match[1])
                if frequency != Frequency.QUARTERLY:
                    return None
                day = dt.date(int(year), (int(quarter) - 1) * 3 + 1, 1)
            else:
                month = _month_number(match[1])
                if month is None:
                    return None
                day = dt.date(int(match[2]), month, 1)
        except ValueError:
            return None
        return period_start(frequency, day)
    return None


def _month_number(name: str) -> int | None:
    """1 to 12 for a month's name or its short form (Nov, November, Sept); None for a slip
    such as "Novembr", which is better questioned than guessed at."""
    name = name.title()
    if name == "Sept":
        return 9
    for number, full in enumerate(MONTH_NAMES, start=1):
        if name in (full, full[:3]):
            return number
    return None


# Figures ---------------------------------------------------------------------


def display(value: Decimal | None, unit: str) -> str:
    """A figure as people read it: 62.5%, 1,204, 38 days, 512.3 per 10,000."""
    if value is None:
        return "–"
    number = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == Unit.PERCENTAGE:
        return f"{number}%"
    if unit == Unit.DAYS:
        return f"{number} days"
    if unit == Unit.RATE_PER_10K:
        return f"{number} per 10,000"
    return number


def unit_errors(unit: str, value: Decimal) -> str | None:
    """Why a figure cannot be one of this unit's, or None."""
    if value < 0:
        return "must not be negative"
    if unit == Unit.PERCENTAGE and value > 100:
        return "is a percentage, so must be 100 or less"
    return None


# The rating rule -------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """A figure at a moment: a value at the end of its period, or a target at its date."""

    when: dt.date
    value: Decimal


@dataclass(frozen=True)
class Rating:
    impact: str
    latest: Point | None = None
    baseline: Point | None = None
    expected: Decimal | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        return Impact(self.impact).label


def better_or_equal(direction: str, a: Decimal, b: Decimal) -> bool:
    """True if `a` is at least as good as `b`."""
    return a >= b if direction == Direction.HIGHER else a <= b


def trajectory(baseline: Point, targets: Iterable[Point]) -> list[Point]:
    """The path from the baseline through the targets after it, by date."""
    later = sorted((t for t in targets if t.when > baseline.when), key=lambda t: t.when)
    return [baseline, *later]


def expected_at(path: Sequence[Point], when: dt.date) -> Decimal:
    """The trajectory's value on a date: flat before its start and after its end."""
    if when <= path[0].when:
        return path[0].value
    for earlier, later in zip(path, path[1:], strict=False):
        if when <= later.when:
            share = Decimal((when - earlier.when).days) / Decimal((later.when - earlier.when).days)
            return earlier.value + (later.value - earlier.value) * share
    return path[-1].value


def rate(
    *,
    direction: str,
    unit: str,
    values: Sequence[Point],
    target: Point,
    interim: Iterable[Point] = (),
) -> Rating:
    """Rate the latest of `values` (each at its period's end, oldest first).

    See the module's docstring for the rule in words.
    """
    if not values:
        return Rating(Impact.NOT_YET, reason="No values yet.")
    baseline, latest = values[0], values[-1]
    if len(values) == 1:
        return Rating(
            Impact.NOT_YET,
            latest=latest,
            baseline=baseline,
            reason=f"Only the baseline ({display(baseline.value, unit)}) so far.",
        )
    aim = f"{display(target.value, unit)} by {target.when:%-d %B %Y}"
    if better_or_equal(direction, latest.value, target.value):
        return Rating(
            Impact.ON_TRACK, latest, baseline, target.value, f"Meets the target of {aim}."
        )
    expected = expected_at(trajectory(baseline, [*interim, target]), latest.when)
    shortfall = (
        expected - latest.value if direction == Direction.HIGHER else latest.value - expected
    )
    shown = expected.quantize(Decimal("0.1"))
    said = f"{display(latest.value, unit)} against {display(shown, unit)} expected"
    if shortfall <= 0:
        return Rating(Impact.ON_TRACK, latest, baseline, expected, f"{said} on the way to {aim}.")
    span = abs(target.value - baseline.value) or abs(target.value)
    if shortfall <= CLOSE_SHARE * span:
        return Rating(Impact.CLOSE, latest, baseline, expected, f"{said}: a little behind.")
    return Rating(Impact.OFF_TRACK, latest, baseline, expected, f"{said}: behind {aim}.")


def worst_impact(impacts: Iterable[str]) -> str:
    """A finding's impact: its worst-rated measure's; see the module's docstring."""
    impacts = list(impacts)
    if not impacts:
        return Impact.NO_MEASURES
    rated = [i for i in impacts if i in IMPACT_ORDER]
    if not rated:
        return Impact.NOT_YET
    return min(rated, key=IMPACT_ORDER.index)
