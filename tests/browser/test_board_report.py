"""A leader builds a board report, saves it, and opens it again; the pages are accessible."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from improvement.models import BoardReport, Role, Status
from tests.browser.conftest import assert_accessible
from tests.helpers import make_action, make_finding, make_measure_for, make_update, make_value


def test_a_leader_saves_a_board_report_and_opens_it_again(
    page, live_server, member, sign_in, csp_errors
):
    leader = member("lee", Role.LEADER, first_name="Lee", last_name="Leader")
    action = make_action(
        [make_finding(text="The quality of contingency planning.")],
        title="Audit contingency plans",
        owner=leader,
        due_date=dt.date.today() + dt.timedelta(days=60),
    )
    # Recorded in a period that has ended: only such a period can be saved.
    yesterday = dt.date.today() - dt.timedelta(days=1)
    action.created_at = timezone.now() - dt.timedelta(days=20)
    action.save()
    make_update(
        action,
        leader,
        Status.IN_PROGRESS,
        note="Audit started.",
        created_at=timezone.now() - dt.timedelta(days=5),
    )

    # A measure with a value for a month that ended before the period began.
    measure = make_measure_for(action.findings.all(), owner=leader, name="Visits on time")
    three_months_ago = (dt.date.today().replace(day=1) - dt.timedelta(days=70)).replace(day=1)
    make_value(measure, three_months_ago, "64.5", leader)

    sign_in(page, leader)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Board reports").click()
    expect(page.get_by_role("heading", name="Board reports", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("From").fill((yesterday - dt.timedelta(days=30)).isoformat())
    page.get_by_label("To").fill(yesterday.isoformat())
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_text("Audit started.")).to_be_visible()
    measures = page.get_by_role("table", name="Measures for this finding")
    expect(measures).to_contain_text("Visits on time")
    expect(measures).to_contain_text("64.5%")
    assert_accessible(page)

    page.get_by_label("Title").fill("Improvement board, this quarter")
    page.get_by_label("Summary for the board").fill("Audits are under way.")
    page.get_by_label("Commentary on this finding (optional)").fill("On track for June.")
    page.get_by_role("button", name="Save as board report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Board report saved")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Board reports").click()
    page.get_by_role("link", name="Improvement board, this quarter").click()
    expect(page.get_by_role("heading", name="Improvement board, this quarter")).to_be_visible()
    expect(page.get_by_text("Audit started.")).to_be_visible()
    expect(page.get_by_text("On track for June.")).to_be_visible()
    expect(page.get_by_role("table", name="Measures for this finding")).to_contain_text("64.5%")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board pack (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert BoardReport.objects.count() == 1
    assert csp_errors == []
