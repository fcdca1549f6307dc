"""A manager enters a month's values; a leader sees the finding's impact rating change.
Every page of the journey is accessible, at desktop and phone widths."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from improvement import impact
from improvement.choices import Frequency
from improvement.models import MeasureValue, Role
from tests.browser.conftest import assert_accessible
from tests.helpers import make_action, make_finding, make_inspection, make_measure, make_value


def _plan(owner):
    """A finding with an action done and a measure on its trajectory until last month."""
    authority = owner.authorities.get()
    finding = make_finding(
        make_inspection(authority), text="The timeliness of assessments for children in need."
    )
    make_action(
        [finding],
        title="Recruit two assessment teams",
        owner=owner,
        status="complete",
        completed_date=dt.date.today() - dt.timedelta(days=5),
    )
    last = impact.last_ended_period(Frequency.MONTHLY, timezone.localdate())
    start = last
    for _ in range(6):
        start = impact.period_start(Frequency.MONTHLY, start - dt.timedelta(days=1))
    measure = make_measure(
        authority,
        owner,
        [finding],
        name="Assessments completed within 45 working days",
        target=Decimal("80"),
        target_date=impact.period_end(Frequency.MONTHLY, last) + dt.timedelta(days=180),
    )
    # 60% six months before last month, rising with the trajectory since: on track.
    month, value = start, 60
    while month < last:
        make_value(measure, month, value, owner)
        month = impact.next_period(Frequency.MONTHLY, month)
        value += 2
    return finding, measure, last


def test_a_manager_enters_values_and_the_leader_sees_the_impact_change(
    page, live_server, member, sign_in, csp_errors
):
    owner = member("olive", Role.MANAGER, first_name="Olive", last_name="Owner")
    leader = member("lee", Role.LEADER, first_name="Lee", last_name="Leader")
    finding, measure, last = _plan(owner)

    sign_in(page, leader)
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    impact_tags = page.locator(".govuk-tag", has_text="Impact:")
    expect(impact_tags).to_contain_text("On track")
    assert_accessible(page)
    page.get_by_role("link", name="Add a measure").click()
    page.get_by_role("button", name="Add the measure").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name")
    assert_accessible(page)
    page.goto(f"{live_server.url}/measures/{measure.pk}/edit/")
    expect(page.get_by_role("heading", name="Edit the measure")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, owner)
    page.get_by_role("link", name="Measures").first.click()
    expect(page.get_by_role("heading", name="Measures of impact")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Import values from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name="Enter a month’s values").click()
    label = impact.period_label(Frequency.MONTHLY, last)
    expect(page.get_by_role("heading", name=f"Values for {label}")).to_be_visible()
    assert_accessible(page)

    field = page.get_by_label("Value for Assessments completed within 45 working days")
    field.fill("sixty")
    page.get_by_role("button", name="Save the values").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number")
    assert_accessible(page)

    # A fall to 50%: far behind the trajectory.
    page.get_by_label("Value for Assessments completed within 45 working days").fill("50")
    page.get_by_label("England average (optional)").fill("71.5")
    page.get_by_role("button", name="Save the values").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 added")
    assert MeasureValue.objects.current().get(period=last).value == Decimal("50")

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/measures/{measure.pk}/")
    expect(
        page.get_by_role("img", name="Assessments completed within 45 working days")
    ).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.context.clear_cookies()
    sign_in(page, leader)
    page.goto(f"{live_server.url}/?authority={measure.authority.slug}")
    row = page.locator("tr", has_text="The timeliness of assessments")
    expect(row).to_contain_text("Blue")
    expect(row).to_contain_text("Off track")
    assert_accessible(page)
    row.get_by_role("link", name="Off track").click()
    expect(page.locator(".govuk-tag", has_text="Impact:")).to_contain_text("Off track")
    assert_accessible(page)
    assert csp_errors == []
