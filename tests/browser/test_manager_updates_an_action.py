"""A manager records progress with an evidence file; every page of that journey is accessible."""

import datetime as dt

from playwright.sync_api import expect

from improvement.models import Evidence, ProgressUpdate, Role, Status
from tests.browser.conftest import assert_accessible
from tests.helpers import make_action, make_finding, make_paragraph

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _plan(owner):
    finding = make_finding(text="The quality and consistency of contingency planning.")
    finding.paragraphs.add(
        make_paragraph(finding.inspection, 12, text="Contingency plans are not always clear.")
    )
    return make_action(
        [finding],
        title="Audit contingency plans in pre-proceedings",
        owner=owner,
        start_date=dt.date.today() - dt.timedelta(days=20),
        due_date=dt.date.today() + dt.timedelta(days=70),
    )


def test_a_manager_records_progress_with_evidence(
    page, live_server, member, sign_in, csp_errors, evidence_storage, tmp_path
):
    owner = member("olive", Role.MANAGER, first_name="Olive", last_name="Owner")
    _plan(owner)

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    sign_in(page, owner)

    page.get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Audit contingency plans in pre-proceedings").click()
    expect(page.get_by_text("Contingency plans are not always clear.")).to_be_attached()
    assert_accessible(page)

    page.get_by_role("button", name="Record progress").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a note about the progress made"
    )
    assert_accessible(page)

    page.get_by_label("In progress").check()
    page.get_by_label("What has happened since the last update?").fill(
        "Audited 40 contingency plans; 31 were clear and specific."
    )
    page.get_by_label("Evidence title").fill("Contingency plan audit, March")
    page.get_by_label("Kind of evidence").select_option("case_audit")
    upload = tmp_path / "audit.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Save progress").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Progress recorded.")
    expect(
        page.get_by_text("Audited 40 contingency plans; 31 were clear and specific.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Contingency plan audit, March")).to_be_visible()
    assert_accessible(page)

    update = ProgressUpdate.objects.get()
    assert (update.author, update.status_after) == (owner, Status.IN_PROGRESS)
    assert Evidence.objects.get().file.read() == PDF
    assert csp_errors == []


def test_account_pages_are_accessible(page, live_server, member, sign_in, csp_errors):
    owner = member("olive", Role.MANAGER)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("olive")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    sign_in(page, owner, next_url="/accounts/password_change/")
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    assert_accessible(page)
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" in font
    assert csp_errors == []


def test_a_leader_sees_the_override_and_accept_controls_accessibly(
    page, live_server, member, sign_in, evidence_storage
):
    owner = member("olive", Role.MANAGER)
    leader = member("lee", Role.LEADER)
    action = _plan(owner)
    Evidence.objects.create(
        action=action,
        title="Audit tool",
        kind=Evidence.Kind.DOCUMENT,
        url="https://example.org/audit-tool",
        added_by=owner,
        added_at=dt.datetime.now(dt.UTC),
    )
    sign_in(page, leader, next_url=action.get_absolute_url())
    expect(page.get_by_role("heading", name="Override the RAG rating")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept Audit tool").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("accepted")
    page.get_by_role("button", name="Save RAG rating").click()
    assert_accessible(page)
