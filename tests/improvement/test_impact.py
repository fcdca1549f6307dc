"""The impact rules: periods, parsing periods, and the rating rule at its edges."""

import datetime as dt
from decimal import Decimal as D

import pytest

from improvement import impact
from improvement.choices import Direction, Frequency, Impact, Unit
from improvement.impact import Point

M, Q = Frequency.MONTHLY, Frequency.QUARTERLY


def test_periods_of_months_and_quarters():
    assert impact.period_start(M, dt.date(2026, 11, 23)) == dt.date(2026, 11, 1)
    assert impact.period_start(Q, dt.date(2026, 11, 23)) == dt.date(2026, 10, 1)
    assert impact.period_end(M, dt.date(2026, 2, 1)) == dt.date(2026, 2, 28)
    assert impact.period_end(Q, dt.date(2026, 10, 1)) == dt.date(2026, 12, 31)
    assert impact.next_period(M, dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert impact.period_label(M, dt.date(2026, 11, 1)) == "Nov 2026"
    assert impact.period_label(Q, dt.date(2026, 10, 1)) == "Oct–Dec 2026"


@pytest.mark.parametrize(
    ("today", "frequency", "expected"),
    [
        (dt.date(2026, 12, 5), M, dt.date(2026, 11, 1)),
        (dt.date(2026, 11, 30), M, dt.date(2026, 11, 1)),  # the month's last day: it has ended
        (dt.date(2026, 12, 1), M, dt.date(2026, 11, 1)),
        (dt.date(2026, 12, 5), Q, dt.date(2026, 7, 1)),
        (dt.date(2026, 12, 31), Q, dt.date(2026, 10, 1)),
        (dt.date(2027, 1, 1), Q, dt.date(2026, 10, 1)),
    ],
)
def test_last_ended_period(today, frequency, expected):
    assert impact.last_ended_period(frequency, today) == expected


@pytest.mark.parametrize(
    ("cell", "frequency", "expected"),
    [
        ("2026-11", M, dt.date(2026, 11, 1)),
        ("2026-11-30", M, dt.date(2026, 11, 1)),
        ("30/11/2026", M, dt.date(2026, 11, 1)),
        ("11/2026", M, dt.date(2026, 11, 1)),
        ("Nov 2026", M, dt.date(2026, 11, 1)),
        ("november 2026", M, dt.date(2026, 11, 1)),
        (dt.datetime(2026, 11, 30, 0, 0), M, dt.date(2026, 11, 1)),
        ("2026 Q4", Q, dt.date(2026, 10, 1)),
        ("Q1 2027", Q, dt.date(2027, 1, 1)),
        ("2026-11", Q, dt.date(2026, 10, 1)),
        ("2026 Q4", M, None),  # a quarter is not a month
        ("Novembr 2026", M, None),
        ("2026-13", M, None),
        ("31/02/2026", M, None),
        ("", M, None),
        (None, M, None),
        ("1e400", M, None),
    ],
)
def test_parse_period(cell, frequency, expected):
    assert impact.parse_period(cell, frequency) == expected


def test_figures_read_as_people_read_them():
    assert impact.display(D("62.50"), Unit.PERCENTAGE) == "62.5%"
    assert impact.display(D("1204"), Unit.COUNT) == "1,204"
    assert impact.display(D("38"), Unit.DAYS) == "38 days"
    assert impact.display(D("512.34"), Unit.RATE_PER_10K) == "512.34 per 10,000"
    assert impact.display(None, Unit.COUNT) == "–"


def test_unit_errors():
    assert impact.unit_errors(Unit.PERCENTAGE, D("100")) is None
    assert "100 or less" in impact.unit_errors(Unit.PERCENTAGE, D("100.01"))
    assert "negative" in impact.unit_errors(Unit.COUNT, D("-1"))


# The rating rule. A measure from 50 (end of January) to 70 by 31 December: 20 points
# of planned improvement, so "close" allows a shortfall of 2 points.
JAN = dt.date(2026, 1, 31)
TARGET = Point(dt.date(2026, 12, 31), D("70"))


def rate(*values, direction=Direction.HIGHER, target=TARGET, interim=()):
    return impact.rate(
        direction=direction,
        unit=Unit.PERCENTAGE,
        values=list(values),
        target=target,
        interim=interim,
    )


def expected_on(day: dt.date) -> D:
    return impact.expected_at(impact.trajectory(Point(JAN, D("50")), [TARGET]), day)


def test_no_values_and_baseline_only_are_not_rated():
    assert rate().impact == Impact.NOT_YET
    assert rate(Point(JAN, D("50"))).impact == Impact.NOT_YET


def test_on_the_trajectory_is_on_track():
    when = dt.date(2026, 6, 30)
    rating = rate(Point(JAN, D("50")), Point(when, expected_on(when)))
    assert rating.impact == Impact.ON_TRACK


def test_just_behind_is_close_and_beyond_a_tenth_is_off_track():
    when = dt.date(2026, 6, 30)
    expected = expected_on(when)
    assert rate(Point(JAN, D("50")), Point(when, expected - D("2"))).impact == Impact.CLOSE
    assert rate(Point(JAN, D("50")), Point(when, expected - D("2.01"))).impact == Impact.OFF_TRACK


def test_meeting_the_target_early_is_on_track():
    rating = rate(Point(JAN, D("50")), Point(dt.date(2026, 2, 28), D("70")))
    assert rating.impact == Impact.ON_TRACK
    assert "Meets the target" in rating.reason


def test_lower_is_better_reverses_the_comparison():
    target = Point(dt.date(2026, 12, 31), D("10"))  # re-referrals from 20% to 10%
    base = Point(JAN, D("20"))
    when = dt.date(2026, 6, 30)
    expected = impact.expected_at(impact.trajectory(base, [target]), when)
    lower = Direction.LOWER
    assert rate(base, Point(when, expected), direction=lower, target=target).impact == "on_track"
    assert (
        rate(base, Point(when, expected + D("1")), direction=lower, target=target).impact
        == Impact.CLOSE
    )
    assert (
        rate(base, Point(when, expected + D("1.01")), direction=lower, target=target).impact
        == Impact.OFF_TRACK
    )


def test_after_the_target_date_the_target_itself_is_expected():
    late = dt.date(2027, 3, 31)
    assert rate(Point(JAN, D("50")), Point(late, D("68"))).impact == Impact.CLOSE
    assert rate(Point(JAN, D("50")), Point(late, D("67.99"))).impact == Impact.OFF_TRACK


def test_interim_targets_bend_the_trajectory():
    interim = [Point(dt.date(2026, 3, 31), D("65"))]  # most of the gain planned early
    when = dt.date(2026, 3, 31)
    assert rate(Point(JAN, D("50")), Point(when, D("60"))).impact == Impact.ON_TRACK
    assert (
        rate(Point(JAN, D("50")), Point(when, D("60")), interim=interim).impact == Impact.OFF_TRACK
    )


def test_a_maintained_figure_is_close_within_a_tenth_of_the_target():
    target = Point(dt.date(2026, 12, 31), D("80"))
    base = Point(JAN, D("80"))
    assert rate(base, Point(dt.date(2026, 5, 31), D("72")), target=target).impact == "close"
    assert rate(base, Point(dt.date(2026, 5, 31), D("71.9")), target=target).impact == "off_track"


def test_a_finding_is_as_far_off_track_as_its_worst_measure():
    assert impact.worst_impact([]) == Impact.NO_MEASURES
    assert impact.worst_impact([Impact.NOT_YET]) == Impact.NOT_YET
    assert impact.worst_impact([Impact.ON_TRACK, Impact.NOT_YET]) == Impact.ON_TRACK
    assert impact.worst_impact([Impact.ON_TRACK, Impact.CLOSE]) == Impact.CLOSE
    assert impact.worst_impact([Impact.CLOSE, Impact.OFF_TRACK]) == Impact.OFF_TRACK
