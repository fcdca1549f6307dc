import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from improvement.models import Action, ReminderSent, Status
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
