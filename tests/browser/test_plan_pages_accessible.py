"""Every page leaders use to build the plan passes axe-core, at desktop and phone widths."""

import datetime as dt

from improvement.models import Role, Status
from tests.browser.conftest import assert_accessible
from tests.helpers import make_action, make_evidence, make_finding, make_inspection


def test_the_plan_building_pages_are_accessible(page, live_server, member, sign_in):
    leader = member("lee", Role.LEADER, first_name="Lee", last_name="Leader")
    owner = member("olive", Role.MANAGER, first_name="Olive", last_name="Owner")
    authority = leader.authorities.get()
    old = make_finding(make_inspection(authority, start_date=dt.date(2019, 11, 4)))
    finding = make_finding(
        make_inspection(authority, start_date=dt.date(2023, 3, 13), end_date=dt.date(2023, 3, 24)),
        text="Private fostering arrangements.",
    )
    action = make_action(
        [finding],
        title="Find children in private fostering",
        owner=owner,
        status=Status.READY,
        start_date=dt.date.today() - dt.timedelta(days=30),
        due_date=dt.date.today() + dt.timedelta(days=30),
    )
    evidence = make_evidence(action, owner)

    sign_in(page, leader)
    pages = [
        f"/actions/{action.pk}/",
        f"/actions/{action.pk}/edit/",
        f"/actions/{action.pk}/findings/",
        f"/findings/{old.pk}/state/",
        f"/findings/{finding.pk}/actions/add/",
        f"/evidence/{evidence.pk}/return/",
        f"/inspections/{finding.inspection.pk}/plan/",
    ]
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            page.goto(live_server.url + path)
            assert page.locator("h1").count() == 1, path
            assert_accessible(page)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide}px wide at {width}px"
    # A refused form, with its error summary, too.
    page.goto(live_server.url + f"/findings/{old.pk}/state/")
    page.get_by_label("Superseded by a later finding").check()
    page.get_by_role("button", name="Save").click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page)
