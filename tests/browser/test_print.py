"""Printed pages are clean: no navigation, filters or download links, nothing cut off at A4."""

import datetime as dt

from improvement.models import Role
from tests.browser.conftest import assert_accessible  # noqa: F401
from tests.helpers import make_action, make_finding, make_inspection

A4_WIDTH_PX = 718  # 210 mm less 2 x 12 mm margins, at 96 px an inch


def test_the_dashboard_and_a_board_report_print_cleanly(page, live_server, member, sign_in):
    leader = member("lee", Role.LEADER)
    finding = make_finding(
        make_inspection(leader.authorities.get(), start_date=dt.date(2023, 3, 13)),
        text="The quality of contingency planning " * 6,
    )
    make_action([finding], title="Audit contingency plans", due_date=dt.date(2024, 6, 30))
    sign_in(page, leader)
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    for path in ("/", "/reports/preview/?authority=middlesbrough&start=2024-01-01&end=2024-03-31"):
        page.goto(live_server.url + path)
        for hidden in (".govuk-service-navigation", ".app-filter", ".app-no-print"):
            locator = page.locator(hidden)
            for i in range(locator.count()):
                assert not locator.nth(i).is_visible(), f"{hidden} prints on {path}"
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= A4_WIDTH_PX, f"{path} is {wide}px wide on A4"
        assert page.pdf(format="A4")[:4] == b"%PDF"
