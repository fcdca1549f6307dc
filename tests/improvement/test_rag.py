"""The RAG rule (Action.computed_rag) and a leader's override of it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement.models import RAG, Action, Status

TODAY = dt.date(2024, 6, 1)


def _action(**fields) -> Action:
    fields.setdefault("status", Status.IN_PROGRESS)
    return Action(title="x", **fields)


def _ago(days: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12))) - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": Status.COMPLETE, "due_date": TODAY - dt.timedelta(9)}, RAG.BLUE),
        ({"status": Status.BLOCKED, "due_date": TODAY + dt.timedelta(90)}, RAG.RED),
        ({"due_date": TODAY - dt.timedelta(1), "last_update_at": _ago(1)}, RAG.RED),
        ({"due_date": TODAY, "last_update_at": _ago(1)}, RAG.GREEN),
        # 80% of the time gone, in progress counts as half way: well behind.
        (
            {
                "start_date": TODAY - dt.timedelta(80),
                "due_date": TODAY + dt.timedelta(20),
                "last_update_at": _ago(2),
            },
            RAG.AMBER,
        ),
        # 70% gone and in progress: within the margin.
        (
            {
                "start_date": TODAY - dt.timedelta(70),
                "due_date": TODAY + dt.timedelta(30),
                "last_update_at": _ago(2),
            },
            RAG.GREEN,
        ),
        # 30% gone and not started: behind.
        (
            {
                "status": Status.NOT_STARTED,
                "start_date": TODAY - dt.timedelta(30),
                "due_date": TODAY + dt.timedelta(70),
            },
            RAG.AMBER,
        ),
        # no update for 31 days and due within 30: amber.
        ({"due_date": TODAY + dt.timedelta(25), "last_update_at": _ago(31)}, RAG.AMBER),
        ({"due_date": TODAY + dt.timedelta(25)}, RAG.AMBER),
        # no update for 31 days but due in 60: green.
        ({"due_date": TODAY + dt.timedelta(60), "last_update_at": _ago(31)}, RAG.GREEN),
        ({}, RAG.GREEN),
    ],
)
def test_computed_rag(fields, expected):
    assert _action(**fields).computed_rag(today=TODAY) == expected


def test_an_override_wins_over_the_computed_rating():
    action = _action(status=Status.BLOCKED, rag_override=RAG.AMBER, rag_override_reason="x")
    assert action.rag == RAG.AMBER
    assert action.get_rag_display() == "Amber"


def _url(action) -> str:
    return reverse("improvement:action_rag", args=[action.pk])


def test_a_leader_overrides_with_a_reason_recorded_in_history(client, leader, action):
    client.force_login(leader)
    response = client.post(
        _url(action),
        {"rag": RAG.GREEN, "reason": "Recovery plan agreed.", "version": action.version},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.rag == RAG.GREEN
    latest = action.history.latest()
    assert latest.rag_override == RAG.GREEN
    assert latest.history_user == leader
    assert "Recovery plan agreed." in latest.history_change_reason


def test_an_override_needs_a_reason(client, leader, action):
    client.force_login(leader)
    response = client.post(
        _url(action), {"rag": RAG.GREEN, "reason": "", "version": action.version}
    )
    assert response.status_code == 200
    assert "Enter why you are overriding the RAG rating" in response.content.decode()
    action.refresh_from_db()
    assert action.rag_override == ""


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("viewer", 403), ("outsider", 404)])
def test_only_leaders_override(client, request, action, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        _url(action), {"rag": RAG.GREEN, "reason": "Because.", "version": action.version}
    )
    assert response.status_code == status
    action.refresh_from_db()
    assert action.rag_override == ""


def test_override_redirects_anonymous(client, action):
    response = client.post(_url(action), {"rag": RAG.GREEN, "reason": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_long_reason_is_kept_whole_and_the_history_reason_fits_its_column(client, leader, action):
    reason = "The recovery plan was agreed at the board. " * 6
    client.force_login(leader)
    response = client.post(
        _url(action), {"rag": RAG.AMBER, "reason": reason, "version": action.version}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.rag_override_reason == reason.strip()
    assert len(action.history.latest().history_change_reason) <= 100


def test_an_override_from_a_stale_page_is_refused_with_what_changed(client, leader, owner, action):
    seen = action.version
    client.force_login(owner)
    client.post(
        reverse("improvement:action_progress", args=[action.pk]),
        {
            "version": seen,
            "status": Status.BLOCKED,
            "note": "No auditors.",
            "due_date": action.due_date.isoformat(),
        },
    )
    client.force_login(leader)
    response = client.post(_url(action), {"rag": RAG.GREEN, "reason": "All fine.", "version": seen})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this action" in body
    assert "Not started → Blocked" in body
    assert "All fine." in body  # what the leader typed is kept
    action.refresh_from_db()
    assert (action.status, action.rag_override) == (Status.BLOCKED, "")
