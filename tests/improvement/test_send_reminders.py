"""The daily reminders: owners' digests and leaders' summaries, of actions and measure values."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from improvement.impact import missing_periods
from improvement.models import (
    Action,
    Direction,
    Frequency,
    Measure,
    MeasureValue,
    ReminderSent,
    Status,
    Unit,
)
from improvement.selectors import missing_values
from tests.helpers import make_action, make_authority, make_finding, make_inspection

TODAY = dt.date(2024, 6, 10)


@pytest.fixture
def due(action, owner, leader, outsider):
    owner.email, leader.email, outsider.email = "o@x.org", "l@x.org", "out@x.org"
    for user in (owner, leader, outsider):
        user.save()
    finding = action.findings.get()
    action.due_date = TODAY - dt.timedelta(days=3)
    action.save()
    soon = make_action([finding], title="Due soon", owner=owner, due_date=TODAY + dt.timedelta(7))
    make_action([finding], title="Due later", owner=owner, due_date=TODAY + dt.timedelta(30))
    make_action(
        [finding],
        title="Done late",
        owner=owner,
        due_date=TODAY - dt.timedelta(9),
        status=Status.COMPLETE,
        completed_date=TODAY,
    )
    other = make_authority("Redcar and Cleveland")
    elsewhere = make_finding(make_inspection(other))
    make_action(
        [elsewhere],
        title="Another council's action",
        owner=outsider,
        due_date=TODAY - dt.timedelta(1),
    )
    return {"overdue": action, "soon": soon}


def _run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_owners_get_their_overdue_and_due_soon_actions(due, mailoutbox):
    _run()
    digest = next(m for m in mailoutbox if m.to == ["o@x.org"])
    assert "Audit contingency plans" in digest.body
    assert "Due soon" in digest.body
    assert "Due later" not in digest.body
    assert "Done late" not in digest.body
    assert "http://127.0.0.1:8000/actions/" in digest.body
    html = digest.alternatives[0]
    assert html[1] == "text/html"


def test_leaders_get_a_summary_of_their_authority_only(due, mailoutbox):
    _run()
    summary = next(m for m in mailoutbox if m.to == ["l@x.org"])
    assert "Middlesbrough: 1 overdue, 1 due soon." in summary.body
    assert "Olive Owner" in summary.body
    assert "Another council's action" not in summary.body
    outsider_mail = [m for m in mailoutbox if m.to == ["out@x.org"]]
    assert len(outsider_mail) == 2  # their own digest and their authority's summary
    assert all("Audit contingency plans" not in m.body for m in outsider_mail)


def test_a_second_run_the_same_day_sends_nothing(due, mailoutbox):
    _run()
    sent = len(mailoutbox)
    output = _run()
    assert len(mailoutbox) == sent
    assert "Sent 0" in output
    assert ReminderSent.objects.count() == sent


def test_the_next_day_sends_again(due, mailoutbox):
    _run()
    sent = len(mailoutbox)
    call_command(
        "send_reminders", "--date", (TODAY + dt.timedelta(1)).isoformat(), stdout=io.StringIO()
    )
    assert len(mailoutbox) == 2 * sent


def test_dry_run_sends_nothing_and_says_who(due, mailoutbox):
    output = _run("--dry-run")
    assert mailoutbox == []
    assert "Would send: owner (owner's digest)" in output
    assert ReminderSent.objects.count() == 0


def test_people_without_an_address_are_skipped_and_named(due, owner, mailoutbox):
    owner.email = ""
    owner.save()
    output = _run()
    assert "Skipped, no e-mail address: owner (owner's digest)" in output
    assert not ReminderSent.objects.filter(recipient=owner).exists()
    assert all(m.to != [""] for m in mailoutbox)


def test_inactive_owners_get_nothing(due, owner, mailoutbox):
    owner.is_active = False
    owner.save()
    _run()
    assert not [m for m in mailoutbox if m.to == ["o@x.org"]]


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "10/06/2024")


def test_actions_of_findings_no_longer_in_the_plan_are_not_reminded(due, mailoutbox):
    from improvement.services import finding_set_state
    from tests.helpers import make_user

    admin = make_user("root", is_superuser=True, is_staff=True)
    for action in Action.objects.all():
        for finding in action.findings.all():
            finding_set_state(finding=finding, leader=admin, state="closed", reason="Done with.")
    _run()
    assert mailoutbox == []


# Measure values: the rule -------------------------------------------------------

MONTHLY, QUARTERLY = Frequency.MONTHLY, Frequency.QUARTERLY


@pytest.mark.parametrize(
    ("today", "owed"),
    [
        (dt.date(2026, 11, 29), [dt.date(2026, 10, 1)]),  # November is still running
        # The month's last day: it has ended by the end of the day, and the values form
        # takes it from then (services.entry_problems), so it is asked for from then.
        (dt.date(2026, 11, 30), [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]),
        (dt.date(2026, 12, 1), [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]),
    ],
)
def test_a_month_is_owed_once_it_has_ended(today, owed):
    assert missing_periods(MONTHLY, dt.date(2026, 9, 1), {dt.date(2026, 9, 1)}, today) == owed


def test_a_quarter_is_not_owed_until_it_has_ended():
    first, have = dt.date(2026, 4, 1), {dt.date(2026, 4, 1)}
    jul = dt.date(2026, 7, 1)
    assert missing_periods(QUARTERLY, first, have, dt.date(2026, 9, 29)) == []
    assert missing_periods(QUARTERLY, first, have, dt.date(2026, 9, 30)) == [jul]
    assert missing_periods(QUARTERLY, first, have, dt.date(2026, 11, 15)) == [jul]
    owed = missing_periods(QUARTERLY, first, have | {jul}, dt.date(2026, 12, 31))
    assert owed == [dt.date(2026, 10, 1)]


def test_earlier_gaps_are_owed_too_but_nothing_before_the_first_period():
    have = {dt.date(2026, 1, 1), dt.date(2026, 3, 1)}
    owed = missing_periods(MONTHLY, dt.date(2026, 1, 1), have, dt.date(2026, 5, 3))
    assert owed == [dt.date(2026, 2, 1), dt.date(2026, 4, 1)]


def test_a_measure_set_up_mid_month_owes_that_month_once_it_ends():
    set_up = dt.date(2026, 11, 15)
    assert missing_periods(MONTHLY, set_up, set(), dt.date(2026, 11, 20)) == []
    assert missing_periods(MONTHLY, set_up, set(), dt.date(2026, 12, 1)) == [dt.date(2026, 11, 1)]
    assert missing_periods(QUARTERLY, set_up, set(), dt.date(2026, 12, 1)) == []
    assert missing_periods(QUARTERLY, set_up, set(), dt.date(2027, 1, 2)) == [dt.date(2026, 10, 1)]


# Measure values: the reminders -------------------------------------------------


def _measure(owner, name="Children's plans audited as good or better", **fields) -> Measure:
    created = fields.pop("created", dt.date(2024, 1, 10))
    fields.setdefault("frequency", MONTHLY)
    measure = Measure.objects.create(
        authority=fields.pop("authority", owner.authorities.get()),
        name=name,
        definition="Audited plans graded good or better, of all plans audited.",
        unit=Unit.PERCENTAGE,
        direction=Direction.HIGHER,
        target=Decimal(80),
        target_date=dt.date(2025, 3, 31),
        owner=owner,
        **fields,
    )
    aware = timezone.make_aware(dt.datetime.combine(created, dt.time(12)))
    Measure.objects.filter(pk=measure.pk).update(created_at=aware)
    measure.refresh_from_db()
    return measure


def _value(measure, period: dt.date, value=50, corrects=None) -> MeasureValue:
    return MeasureValue.objects.create(
        measure=measure,
        period=period,
        value=Decimal(value),
        corrects=corrects,
        note="Recounted." if corrects else "",
        entered_by=measure.owner,
        entered_at=timezone.now(),
    )


@pytest.fixture
def measured(authority, owner, leader):
    """A monthly measure of an open finding with values for January to April 2024:
    May's is owed on TODAY (10 June 2024)."""
    owner.email, leader.email = "o@x.org", "l@x.org"
    owner.save()
    leader.save()
    measure = _measure(owner)
    measure.findings.set([make_finding(make_inspection(authority))])
    for month in (1, 2, 3, 4):
        _value(measure, dt.date(2024, month, 1))
    return measure


def test_owners_are_asked_for_the_latest_ended_period_with_a_link_to_its_form(measured, mailoutbox):
    _run()
    digest = next(m for m in mailoutbox if m.to == ["o@x.org"])
    assert "Children's plans audited as good or better: May 2024." in digest.body
    link = "http://127.0.0.1:8000/measures/values/?authority=middlesbrough&period=2024-05"
    assert link in digest.body
    assert f'href="{link.replace("&", "&amp;")}"' in digest.alternatives[0][0]
    assert "Apr 2024" not in digest.body
    assert "Overdue:" not in digest.body


def test_leaders_get_a_count_of_the_values_to_enter(measured, mailoutbox):
    _run()
    summary = next(m for m in mailoutbox if m.to == ["l@x.org"])
    assert "Middlesbrough: 0 overdue, 0 due soon. 1 measure value to enter." in summary.body
    assert "VALUE Children's plans audited as good or better (Olive Owner): May 2024." in (
        summary.body
    )


def test_a_corrected_value_counts_as_entered(measured, mailoutbox):
    first = _value(measured, dt.date(2024, 5, 1), 50)
    _value(measured, dt.date(2024, 5, 1), 55, corrects=first)
    assert missing_values(Measure.objects.all(), TODAY) == []
    _run()
    assert mailoutbox == []


def test_values_are_owed_from_the_first_one_even_before_the_measure_was_set_up(measured):
    # A baseline from before the measure was set up (in January 2024), and a gap after it.
    MeasureValue.objects.filter(period=dt.date(2024, 1, 1)).update(period=dt.date(2023, 10, 1))
    owed = missing_values(Measure.objects.all(), TODAY)
    assert [m.label for m in owed] == ["Nov 2023", "Dec 2023", "Jan 2024", "May 2024"]


def test_values_are_owed_from_the_first_one_not_from_when_the_measure_was_set_up(owner):
    measure = _measure(owner, created=dt.date(2024, 1, 10))
    _value(measure, dt.date(2024, 3, 1))
    assert [m.label for m in missing_values(Measure.objects.all(), TODAY)] == [
        "Apr 2024",
        "May 2024",
    ]


def test_a_measure_without_values_is_owed_from_the_period_it_was_set_up_in(
    authority, owner, mailoutbox
):
    measure = _measure(owner, created=dt.date(2024, 4, 20))
    owed = missing_values(Measure.objects.all(), TODAY)
    assert [(m.measure, m.label) for m in owed] == [(measure, "Apr 2024"), (measure, "May 2024")]


def test_a_quarterly_measure_is_not_owed_mid_quarter(measured, owner, mailoutbox):
    quarterly = _measure(owner, name="Care leavers in touch", frequency=QUARTERLY)
    _value(quarterly, dt.date(2024, 1, 1))
    assert [m.measure for m in missing_values(Measure.objects.all(), TODAY)] == [measured]
    owed = missing_values(Measure.objects.all(), dt.date(2024, 7, 1))
    assert [(m.measure.name, m.label) for m in owed] == [
        ("Care leavers in touch", "Apr–Jun 2024"),
        ("Children's plans audited as good or better", "May 2024"),
        ("Children's plans audited as good or better", "Jun 2024"),
    ]


def test_measures_whose_findings_all_left_the_plan_are_not_reminded(measured, mailoutbox):
    from improvement.services import finding_set_state
    from tests.helpers import make_user

    admin = make_user("root", is_superuser=True, is_staff=True)
    for finding in measured.findings.all():
        finding_set_state(finding=finding, leader=admin, state="closed", reason="Done with.")
    unlinked = _measure(measured.owner, name="Not yet linked to a finding")
    owed = missing_values(Measure.objects.in_current_plan(), TODAY)
    assert {m.measure for m in owed} == {unlinked}


def test_inactive_owners_are_not_reminded_but_their_leader_is_told(measured, owner, mailoutbox):
    owner.is_active = False
    owner.save()
    _run()
    assert [m.to for m in mailoutbox] == [["l@x.org"]]
    assert "(Olive Owner): May 2024." in mailoutbox[0].body


def test_owners_without_an_address_are_skipped_and_named(measured, owner, mailoutbox):
    owner.email = ""
    owner.save()
    output = _run()
    assert "Skipped, no e-mail address: owner (owner's digest)" in output
    assert [m.to for m in mailoutbox] == [["l@x.org"]]


def test_a_second_run_the_same_day_sends_no_second_value_reminder(measured, mailoutbox):
    _run()
    _run()
    assert sorted(m.to[0] for m in mailoutbox) == ["l@x.org", "o@x.org"]


def test_another_authoritys_measures_are_not_in_the_summary(measured, outsider, mailoutbox):
    _measure(outsider, name="Another council's measure")
    _run()
    summary = next(m for m in mailoutbox if m.to == ["l@x.org"])
    assert "Another council's measure" not in summary.body
    theirs = [m for m in mailoutbox if m.to == [outsider.email]]
    assert theirs and all("Children's plans" not in m.body for m in theirs)


def test_the_value_reminders_take_a_fixed_number_of_queries(
    measured, owner, django_assert_num_queries
):
    for n in range(3):
        _value(_measure(owner, name=f"Measure {n}"), dt.date(2024, 1, 1))
    with django_assert_num_queries(2):
        assert (
            len(missing_values(Measure.objects.in_current_plan(), TODAY)) == 1 + 3 * 4
        )  # May; February to May


def test_a_quarter_links_to_the_form_of_its_last_month(authority):
    from improvement.choices import Frequency
    from improvement.reminders import values_form_link

    link = values_form_link(authority, Frequency.QUARTERLY, dt.date(2024, 4, 1))
    assert link.endswith("/measures/values/?authority=middlesbrough&period=2024-06")
    monthly = values_form_link(authority, Frequency.MONTHLY, dt.date(2024, 5, 1))
    assert monthly.endswith("period=2024-05")
