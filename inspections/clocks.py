"""Statutory clocks after an inspection: when the council's action plan is due.

After a full inspection (ILACS, or the single inspection framework before it) the
council sends Ofsted its action plan within 70 working days of receiving the
report; after a focused visit that names priority actions, a draft plan is due
within 20 working days. Working days skip weekends and England's bank holidays
(from the maintained `holidays` package).
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

PLAN_WORKING_DAYS = 70
DRAFT_PLAN_WORKING_DAYS = 20  # after a focused visit with priority actions
DUE_SOON_WORKING_DAYS = 15  # when the dashboard starts to warn
FULL_INSPECTIONS = ("standard", "short", "sif")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the day of receipt is day 0)."""
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative if end is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(n))
    )


@dataclass(frozen=True)
class PlanClock:
    """When the action plan for an inspection is due, and how that stands today."""

    what: str  # "action plan" or "draft action plan"
    working_days: int
    received: dt.date
    due: dt.date
    submitted: dt.date | None
    today: dt.date

    @property
    def working_days_left(self) -> int:
        return working_days_between(self.today, self.due)

    @property
    def state(self) -> str:
        """submitted, submitted_late, overdue, due_soon or on_time."""
        if self.submitted:
            return "submitted" if self.submitted <= self.due else "submitted_late"
        if self.today > self.due:
            return "overdue"
        if self.working_days_left <= DUE_SOON_WORKING_DAYS:
            return "due_soon"
        return "on_time"

    @property
    def needs_warning(self) -> bool:
        return self.state in ("overdue", "due_soon")


def plan_clock(
    *,
    kind: str,
    received: dt.date | None,
    priority_actions: bool,
    submitted: dt.date | None,
    today: dt.date,
) -> PlanClock | None:
    """The clock for an inspection; None when no plan is due or the report date is unknown."""
    if received is None:
        return None
    if kind in FULL_INSPECTIONS:
        what, days = "action plan", PLAN_WORKING_DAYS
    elif kind == "focused_visit" and priority_actions:
        what, days = "draft action plan", DRAFT_PLAN_WORKING_DAYS
    else:
        return None
    return PlanClock(
        what=what,
        working_days=days,
        received=received,
        due=add_working_days(received, days),
        submitted=submitted,
        today=today,
    )
