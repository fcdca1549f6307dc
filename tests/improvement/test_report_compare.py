"""Any two saved reports compare: findings that moved; actions added, completed, slipped or
newly overdue."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement.models import Action, BoardReport, Status
from tests.helpers import make_action, make_update

URL = reverse("improvement:report_compare")


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00"))


@pytest.fixture
def two_reports(client, leader, action, owner):
    """Q1: the action is in progress, due 31 May. Q3: complete? no: its due date moved to
    30 Sep and it is overdue; a second action was added in Q2."""
    Action.objects.filter(pk=action.pk).update(
        created_at=_at("2023-12-01"), start_date=dt.date(2023, 12, 1), due_date=dt.date(2024, 5, 31)
    )
    make_update(
        action,
        owner,
        Status.IN_PROGRESS,
        status_before=Status.NOT_STARTED,
        created_at=_at("2024-02-01"),
        due_date_before=dt.date(2024, 5, 31),
        due_date_after=dt.date(2024, 5, 31),
    )
    make_update(
        action,
        owner,
        Status.IN_PROGRESS,
        status_before=Status.IN_PROGRESS,
        created_at=_at("2024-05-20"),
        due_date_before=dt.date(2024, 5, 31),
        due_date_after=dt.date(2024, 8, 31),
        due_date_reason="Staff left.",
    )
    added = make_action(
        list(action.findings.all()),
        title="Train the team",
        owner=owner,
        due_date=dt.date(2024, 12, 31),
    )
    Action.objects.filter(pk=added.pk).update(created_at=_at("2024-04-10"))
    client.force_login(leader)
    save = reverse("improvement:report_save")
    client.post(
        save,
        {"authority": "middlesbrough", "start": "2024-01-01", "end": "2024-03-31", "title": "Q1"},
    )
    client.post(
        save,
        {"authority": "middlesbrough", "start": "2024-07-01", "end": "2024-09-30", "title": "Q3"},
    )
    return BoardReport.objects.get(title="Q1"), BoardReport.objects.get(title="Q3")


def test_any_two_reports_compare(client, two_reports):
    q1, q3 = two_reports
    response = client.get(URL, {"first": q3.pk, "second": q1.pk})  # either order
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert (comparison["earlier"], comparison["later"]) == (q1, q3)
    assert [a["title"] for a in comparison["added"]] == ["Train the team"]
    assert [s["action"]["title"] for s in comparison["slipped"]] == ["Audit contingency plans"]
    assert comparison["slipped"][0]["to"] == "2024-08-31"
    assert [a["title"] for a in comparison["newly_overdue"]] == ["Audit contingency plans"]
    assert comparison["completed"] == []
    assert [f["text"] for f in comparison["findings"]] == ["The quality of contingency planning."]


def test_two_reports_of_different_authorities_or_the_same_one_are_refused(client, two_reports):
    q1, _ = two_reports
    response = client.get(URL, {"first": q1.pk, "second": q1.pk})
    assert "Choose two different reports" in response.content.decode()
    assert response.context["comparison"] is None


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("viewer", 200), ("outsider", 200)]
)
def test_who_may_compare(client, request, two_reports, who, status):
    q1, q3 = two_reports
    client.logout()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(URL, {"first": q1.pk, "second": q3.pk})
    assert response.status_code == status
    if who == "outsider":  # another authority's reports are not choices: nothing shown
        assert response.context["comparison"] is None
        assert "Select a valid choice" in response.content.decode()
