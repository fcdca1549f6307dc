"""A leader adds an action; a manager works it to sign-off with evidence; the leader returns
it once, then signs it off; the dashboard's figures move with it. Every page is accessible,
and on a phone (390 px) nothing scrolls sideways."""

import datetime as dt

from playwright.sync_api import expect

from improvement.models import Action, Role, Status
from tests.browser.conftest import assert_accessible
from tests.helpers import make_finding, make_inspection

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TITLE = "Audit contingency plans in pre-proceedings"


def _no_sideways_scroll(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    seen = page.evaluate("document.documentElement.clientWidth")
    assert wide <= seen, f"{page.url} is {wide}px wide in a {seen}px window"


def _figure(page, words: str) -> str:
    return page.locator("a", has_text=words).first.locator("span").first.inner_text()


def test_a_leader_runs_an_action_from_finding_to_sign_off(
    page, live_server, member, sign_in, csp_errors, evidence_storage, tmp_path
):
    leader = member("lee", Role.LEADER, first_name="Lee", last_name="Leader")
    manager = member("olive", Role.MANAGER, first_name="Olive", last_name="Owner")
    inspection = make_inspection(leader.authorities.get(), start_date=dt.date(2023, 3, 13))
    finding = make_finding(inspection, text="The quality of contingency planning.")

    # The leader adds an action to the finding.
    sign_in(page, leader)
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="The quality of contingency planning.").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Add an action").click()
    assert_accessible(page)
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the action")
    assert_accessible(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Owner").select_option(label="Olive Owner")
    page.get_by_label("Start date").fill(dt.date.today().isoformat())
    page.get_by_label("Due date").fill((dt.date.today() + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Sign out").or_(
        page.get_by_role("button", name="Sign out")
    ).click()

    # The manager lands on their actions and asks for sign-off with evidence.
    sign_in(page, manager, next_url="/start/")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Record progress").click()
    page.get_by_label("Ready for sign-off").check()
    page.get_by_label("What has happened since the last update?").fill("All 40 plans audited.")
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Add evidence, or say why there is none"
    )
    assert_accessible(page)
    page.get_by_label("Evidence title").fill("Contingency plan audit")
    page.get_by_label("Kind of evidence").select_option("case_audit")
    upload = tmp_path / "audit.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("Progress recorded.")).to_be_visible()
    expect(page.get_by_text("Waiting for a leader to sign this off")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The leader sees it waiting, returns it once, then signs it off.
    sign_in(page, leader)
    attention = page.locator("#attention + table")
    expect(attention).to_contain_text(TITLE)
    expect(attention).to_contain_text("Ready for sign-off")
    expect(attention).to_contain_text("Waiting for review")
    assert _figure(page, "actions in all") == "1"
    page.get_by_role("link", name=TITLE).click()
    assert_accessible(page)
    page.get_by_label("Return it").check()
    page.get_by_label("Comment").fill("Add the audit's scores per team.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Returned to the owner with your comment.")).to_be_visible()
    assert Action.objects.get().status == Status.IN_PROGRESS
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, manager, next_url="/start/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Add the audit's scores per team.")).to_be_visible()
    page.get_by_role("button", name="Record progress").click()
    page.get_by_label("Ready for sign-off").check()
    page.get_by_label("What has happened since the last update?").fill("Scores per team added.")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("Progress recorded.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, leader)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("accepted.")).to_be_visible()
    page.get_by_label("Sign it off: the action is complete").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Signed off: the action is complete.")).to_be_visible()
    assert Action.objects.get().status == Status.COMPLETE

    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_text("Nothing is waiting for sign-off")).to_be_visible()
    assert _figure(page, "findings not yet complete") == "0"
    rag_table = page.locator("table", has_text="Actions by RAG rating")
    expect(rag_table.locator("tr", has_text="Blue")).to_contain_text("1")
    assert not csp_errors

    # On a phone, the pages people use most do not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/actions/", "/my-actions/", f"/findings/{finding.pk}/"):
        page.goto(live_server.url + path)
        _no_sideways_scroll(page)
    assert_accessible(page)
