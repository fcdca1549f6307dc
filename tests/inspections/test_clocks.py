"""The statutory clock for the action plan counts working days, skipping England's bank holidays."""

import datetime as dt

import pytest

from inspections.clocks import add_working_days, plan_clock, working_days_between


def test_seventy_working_days_skip_weekends_and_bank_holidays():
    # Report received on Thursday 19 March 2026. Good Friday (3 April), Easter Monday
    # (6 April), the early May (4 May) and spring (25 May) bank holidays do not count.
    due = add_working_days(dt.date(2026, 3, 19), 70)
    assert due == dt.date(2026, 7, 1)
    assert working_days_between(dt.date(2026, 3, 19), due) == 70


def test_twenty_working_days_over_christmas():
    # 25, 26 and 28 December 2026 (Boxing Day falls on a Saturday) and 1 January 2027.
    assert add_working_days(dt.date(2026, 12, 18), 20) == dt.date(2027, 1, 20)


def test_a_full_inspection_runs_the_seventy_day_clock():
    clock = plan_clock(
        kind="standard",
        received=dt.date(2026, 3, 19),
        priority_actions=False,
        submitted=None,
        today=dt.date(2026, 6, 15),
    )
    assert (clock.what, clock.due, clock.working_days_left) == (
        "action plan",
        dt.date(2026, 7, 1),
        12,
    )
    assert clock.state == "due_soon" and clock.needs_warning


@pytest.mark.parametrize(
    ("kind", "priority", "expected"),
    [
        ("focused_visit", True, "draft action plan"),
        ("focused_visit", False, None),
        ("monitoring_visit", True, None),
        ("sif", False, "action plan"),
    ],
)
def test_which_inspections_start_a_clock(kind, priority, expected):
    clock = plan_clock(
        kind=kind,
        received=dt.date(2026, 1, 5),
        priority_actions=priority,
        submitted=None,
        today=dt.date(2026, 1, 6),
    )
    assert (clock.what if clock else None) == expected


@pytest.mark.parametrize(
    ("submitted", "today", "state"),
    [
        (None, dt.date(2026, 7, 2), "overdue"),
        (dt.date(2026, 6, 30), dt.date(2026, 7, 2), "submitted"),
        (dt.date(2026, 7, 2), dt.date(2026, 7, 3), "submitted_late"),
        (None, dt.date(2026, 4, 1), "on_time"),
    ],
)
def test_how_the_clock_stands(submitted, today, state):
    clock = plan_clock(
        kind="short",
        received=dt.date(2026, 3, 19),
        priority_actions=False,
        submitted=submitted,
        today=today,
    )
    assert clock.state == state


def test_no_clock_without_the_reports_arrival():
    assert (
        plan_clock(
            kind="standard",
            received=None,
            priority_actions=False,
            submitted=None,
            today=dt.date(2026, 1, 1),
        )
        is None
    )
