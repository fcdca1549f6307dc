"""A leader records the plan's dates; the dashboard shows when it is due and warns as it nears."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.clocks import add_working_days
from tests.helpers import make_inspection

TODAY = dt.date.today()


@pytest.fixture
def inspection(authority):
    return make_inspection(
        authority,
        start_date=TODAY - dt.timedelta(days=120),
        end_date=TODAY - dt.timedelta(days=110),
    )


def _url(inspection):
    return reverse("improvement:inspection_plan", args=[inspection.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("viewer", 403), ("owner", 403), ("leader", 200)],
)
def test_who_may_record_the_plans_dates(client, request, inspection, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(_url(inspection)).status_code == status


def test_the_dashboard_warns_as_the_plan_nears_its_due_date(client, leader, inspection):
    # Received so that 5 working days are left today.
    received = TODAY
    while add_working_days(received, 70) > add_working_days(TODAY, 5):
        received -= dt.timedelta(days=1)
    client.force_login(leader)
    response = client.post(
        _url(inspection), {"report_received_date": received.isoformat(), "plan_submitted_date": ""}
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.report_received_date == received
    body = client.get(reverse("improvement:dashboard")).content.decode()
    assert "govuk-warning-text" in body
    assert "working days left" in body or "working day left" in body

    client.post(
        _url(inspection),
        {"report_received_date": received.isoformat(), "plan_submitted_date": TODAY.isoformat()},
    )
    body = client.get(reverse("improvement:dashboard")).content.decode()
    assert "govuk-warning-text" not in body
    assert "Plan sent" in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"report_received_date": (TODAY + dt.timedelta(days=3)).isoformat()},
            "The report&#x27;s arrival cannot be in the future",
        ),
        (
            {"report_received_date": (TODAY - dt.timedelta(days=200)).isoformat()},
            "The report cannot arrive before the inspection ended",
        ),
        ({"plan_submitted_date": TODAY.isoformat()}, "Give the date the report was received first"),
        ({"report_received_date": "31/02/2026"}, "Enter the date the report was received"),
    ],
)
def test_dates_that_cannot_be_right_are_refused(client, leader, inspection, fields, message):
    client.force_login(leader)
    data = {"report_received_date": "", "plan_submitted_date": ""} | fields
    response = client.post(_url(inspection), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.report_received_date is None
