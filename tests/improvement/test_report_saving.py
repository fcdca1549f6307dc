"""A board report is saved once its period has ended, once per period, and withdrawn, never
deleted, when issued in error."""

import datetime as dt

import pytest
from django.urls import reverse

from improvement.models import BoardReport

SAVE = reverse("improvement:report_save")
Q1 = {"authority": "middlesbrough", "start": "2024-01-01", "end": "2024-03-31", "title": "Q1"}


def test_a_period_that_has_not_ended_cannot_be_saved(client, leader, action):
    today = dt.date.today()
    client.force_login(leader)
    preview = client.get(
        reverse("improvement:report_preview"),
        {
            "authority": "middlesbrough",
            "start": (today - dt.timedelta(days=20)).isoformat(),
            "end": today.isoformat(),
        },
    ).content.decode()
    assert "the report is a draft, to date" in preview
    assert "Save as board report" not in preview
    response = client.post(SAVE, Q1 | {"end": today.isoformat()})
    assert "The period has not ended yet" in response.content.decode()
    assert not BoardReport.objects.exists()


def test_saving_a_period_again_is_refused_with_a_link_to_the_saved_one(client, leader, action):
    client.force_login(leader)
    first = client.post(SAVE, Q1)
    saved = BoardReport.objects.get()
    second = client.post(SAVE, Q1 | {"title": "Q1 again"}, follow=True)
    assert second.redirect_chain[-1][0] == saved.get_absolute_url()
    assert "already covers this period" in second.content.decode()
    assert BoardReport.objects.count() == 1
    assert first.status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("viewer", 403), ("owner", 403), ("leader", 200)],
)
def test_who_may_withdraw_a_report(client, request, leader, action, who, status):
    client.force_login(leader)
    client.post(SAVE, Q1)
    saved = BoardReport.objects.get()
    client.logout()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = reverse("improvement:report_withdraw", args=[saved.pk])
    assert client.get(url).status_code == status


def test_a_withdrawn_report_is_kept_marked_and_its_period_can_be_saved_again(
    client, leader, action
):
    client.force_login(leader)
    client.post(SAVE, Q1)
    saved = BoardReport.objects.get()
    url = reverse("improvement:report_withdraw", args=[saved.pk])
    assert "Say why the report is withdrawn" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "Sent with last year's figures."})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.withdrawn_by, saved.withdrawal_reason) == (
        leader,
        "Sent with last year's figures.",
    )
    page = client.get(saved.get_absolute_url()).content.decode()
    assert "Withdrawn on" in page and "Sent with last year&#x27;s figures." in page
    assert saved.content()["version"] == BoardReport.SCHEMA_VERSION  # its content untouched

    client.post(SAVE, Q1 | {"title": "Q1, corrected"})
    assert BoardReport.objects.count() == 2
    corrected = BoardReport.objects.get(title="Q1, corrected")
    assert corrected.previous() is None  # a withdrawn report is nobody's "previous"


def test_a_report_covers_the_inspections_chosen_with_its_commentary_frozen(client, leader, action):
    from tests.helpers import make_finding, make_inspection

    finding = action.findings.get()
    old = make_inspection(action.authority, start_date=dt.date(2019, 11, 4))
    make_finding(old, text="Private fostering.")
    client.force_login(leader)
    preview = client.get(reverse("improvement:report_preview"), Q1 | {"inspections": [old.pk]})
    assert [f["text"] for f in preview.context["report"]["findings"]] == ["Private fostering."]

    response = client.post(
        SAVE,
        Q1
        | {
            "summary": "Steady progress; audits slipped.",
            f"comment_{finding.pk}": "The audit is late because two auditors left.",
        },
    )
    assert response.status_code == 302
    saved = BoardReport.objects.get()
    data = saved.content()
    assert data["scope"]["label"] == "The current plan: its open findings"
    assert data["commentary"] == "Steady progress; audits slipped."
    assert data["findings"][0]["commentary"] == "The audit is late because two auditors left."
    page = client.get(saved.get_absolute_url()).content.decode()
    assert "The audit is late because two auditors left." in page
    # The same period with another scope is another report.
    assert client.post(SAVE, Q1 | {"inspections": [old.pk], "title": "2019"}).status_code == 302
    assert BoardReport.objects.count() == 2


def test_a_report_cannot_cover_another_authoritys_inspection(client, leader, action, outsider):
    from tests.helpers import make_inspection

    theirs = make_inspection(outsider.authorities.get(), start_date=dt.date(2023, 1, 9))
    client.force_login(leader)
    response = client.get(reverse("improvement:report_preview"), Q1 | {"inspections": [theirs.pk]})
    assert "Select a valid choice" in response.content.decode()


def test_an_empty_title_keeps_the_preview_and_what_was_typed(client, leader, action):
    finding = action.findings.get()
    client.force_login(leader)
    response = client.post(
        SAVE, Q1 | {"title": "", "summary": "Kept.", f"comment_{finding.pk}": "Also kept."}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a title for the board report" in body
    assert "govuk-error-summary" in body
    assert "The quality of contingency planning." in body  # the preview, not the period form
    assert "Kept.</textarea>" in body and "Also kept.</textarea>" in body
    assert not BoardReport.objects.exists()


def test_what_changed_lists_an_action_of_two_findings_once(client, leader, action):
    from improvement.reports import compare_reports
    from tests.helpers import make_finding

    action.findings.add(make_finding(action.findings.get().inspection, text="Oversight.", order=2))
    today = dt.date.today()
    from improvement.reports import build_report

    before = build_report(authority=action.authority, start=today, end=today)
    action.due_date = today + dt.timedelta(days=200)
    action.save()
    after = build_report(authority=action.authority, start=today, end=today)
    changes = compare_reports(before, after)
    assert [c["title"] for c in changes] == ["Audit contingency plans"]
