"""A leader says where a finding stands; the dashboard shows the current plan by default."""

import datetime as dt

import pytest
from django.urls import reverse

from improvement.models import FindingStateRecord
from tests.helpers import make_finding, make_inspection


@pytest.fixture
def old_and_new(authority):
    old = make_finding(
        make_inspection(authority, start_date=dt.date(2019, 11, 4)), text="Private fostering."
    )
    new = make_finding(
        make_inspection(authority, start_date=dt.date(2023, 3, 13)),
        text="Private fostering arrangements.",
    )
    return old, new


def _url(finding):
    return reverse("improvement:finding_state", args=[finding.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("viewer", 403), ("owner", 403), ("leader", 200)],
)
def test_who_may_set_a_findings_state(client, request, old_and_new, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(_url(old_and_new[0])).status_code == status


def test_a_superseded_finding_links_to_the_later_one_and_leaves_the_current_plan(
    client, leader, old_and_new, authority
):
    old, new = old_and_new
    client.force_login(leader)
    response = client.post(_url(old), {"state": "superseded", "reason": "Raised again in 2023."})
    assert "Choose the later finding that supersedes it" in response.content.decode()

    response = client.post(
        _url(old),
        {"state": "superseded", "superseded_by": new.pk, "reason": "Raised again in 2023."},
    )
    assert response.status_code == 302
    record = FindingStateRecord.objects.get(finding=old)
    assert (record.superseded_by, record.changed_by) == (new, leader)

    dashboard = client.get(reverse("improvement:dashboard"), {"authority": authority.slug})
    shown = [row.finding for row in dashboard.context["page"].object_list]
    assert shown == [new]
    assert dashboard.context["headline"]["findings_total"] == 1
    every = client.get(
        reverse("improvement:dashboard"), {"authority": authority.slug, "state": "all"}
    )
    assert every.context["headline"]["findings_total"] == 2

    page = client.get(reverse("improvement:finding_detail", args=[new.pk])).content.decode()
    assert "Carries on an earlier finding" in page


def test_a_finding_cannot_be_superseded_by_one_of_its_own_inspection(client, leader, old_and_new):
    old, _ = old_and_new
    same = make_finding(old.inspection, text="Management oversight.", order=2)
    client.force_login(leader)
    response = client.post(
        _url(old), {"state": "superseded", "superseded_by": same.pk, "reason": "x"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not FindingStateRecord.objects.exists()


def test_closing_needs_a_reason_and_keeps_its_history(client, leader, old_and_new):
    old, _ = old_and_new
    client.force_login(leader)
    assert "Give a reason" in client.post(_url(old), {"state": "closed"}).content.decode()
    client.post(_url(old), {"state": "closed", "reason": "Replaced by the 2023 plan."})
    client.post(_url(old), {"state": "open", "reason": "Reopened by the board."})
    record = FindingStateRecord.objects.get(finding=old)
    assert [h.state for h in record.history.order_by("history_date")] == ["closed", "open"]


def test_recurring_themes_say_which_later_finding_carries_an_old_one_on(
    client, leader, old_and_new, authority
):
    from tests.helpers import make_theme

    old, new = old_and_new
    theme = make_theme("Private fostering")
    old.themes.add(theme)
    new.themes.add(theme)
    client.force_login(leader)
    client.post(
        _url(old), {"state": "superseded", "superseded_by": new.pk, "reason": "Raised again."}
    )
    body = client.get(reverse("improvement:dashboard")).content.decode()
    assert "carried on by the standard inspection of March 2023" in body
    client.post(_url(new), {"state": "closed", "reason": "Done with."})
    body = client.get(reverse("improvement:dashboard")).content.decode()
    assert "carried on by the standard inspection of March 2023" in body
    closed = f'href="/findings/{new.pk}/">“{new.text}”</a> <span class="govuk-body-s">(closed)'
    assert closed in body
