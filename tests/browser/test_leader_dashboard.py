"""A leader filters the dashboard by theme and opens a finding; the pages are accessible."""

import datetime as dt

from playwright.sync_api import expect

from improvement.models import Role, Status
from inspections.models import Grade, Inspection, JudgementArea
from tests.browser.conftest import assert_accessible
from tests.helpers import (
    make_action,
    make_finding,
    make_inspection,
    make_judgement,
    make_paragraph,
    make_theme,
    make_update,
)


def test_a_leader_filters_by_theme_and_opens_a_finding(
    page, live_server, member, sign_in, csp_errors
):
    leader = member("lee", Role.LEADER, first_name="Lee", last_name="Leader")
    owner = member("olive", Role.MANAGER, first_name="Olive", last_name="Owner")
    inspection = make_inspection(start_date=dt.date(2023, 3, 6))
    make_judgement(inspection, JudgementArea.OVERALL, Grade.REQUIRES_IMPROVEMENT)
    visit = make_inspection(
        inspection.authority, kind=Inspection.Kind.FOCUSED_VISIT, start_date=dt.date(2021, 5, 26)
    )
    contingency = make_theme("Contingency planning")
    fostering = make_theme("Private fostering")
    finding = make_finding(inspection, text="The quality of contingency planning.")
    finding.themes.add(contingency)
    finding.paragraphs.add(
        make_paragraph(inspection, 9, text="Contingency plans lack detail.", section="Help")
    )
    make_finding(inspection, text="Arrangements for private fostering.").themes.add(fostering)
    make_finding(visit, text="Contingency planning for children.").themes.add(contingency)
    action = make_action(
        [finding],
        title="Audit contingency plans",
        owner=owner,
        due_date=dt.date.today() + dt.timedelta(days=40),
    )
    make_update(action, owner, status=Status.IN_PROGRESS, note="Audit begun.")
    action.status = Status.IN_PROGRESS
    action.save()

    sign_in(page, leader)
    expect(page.get_by_role("heading", name="Middlesbrough")).to_be_visible()
    expect(page.get_by_text("3 findings.")).to_be_visible()
    assert_accessible(page)

    page.get_by_text("Filter", exact=True).click()  # the filters fold away until wanted
    page.get_by_label("Theme", exact=True).select_option("contingency-planning")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 findings.")).to_be_visible()
    assert "theme=contingency-planning" in page.url
    expect(
        page.get_by_role("link", name="The quality of contingency planning.", exact=True)
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Arrangements for private fostering.", exact=True)
    ).to_have_count(0)

    expect(page.get_by_text("Filter (Theme: Contingency planning)")).to_be_visible()
    page.get_by_role("link", name="The quality of contingency planning.", exact=True).click()
    expect(page.get_by_role("heading", name="What needs to improve")).to_be_visible()
    # Back returns to the dashboard as it was, filters and all.
    page.get_by_role("link", name="Back").click()
    assert "theme=contingency-planning" in page.url
    page.get_by_role("link", name="The quality of contingency planning.", exact=True).click()
    expect(page.get_by_text("Contingency plans lack detail.")).to_be_visible()
    expect(page.get_by_role("link", name="Audit contingency plans")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/actions/?status=in_progress")
    expect(page.get_by_text("1 action.")).to_be_visible()
    assert_accessible(page)
    assert csp_errors == []
