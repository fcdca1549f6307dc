"""An action's state at any past moment, overrides and accepted evidence included:
what the board report and its comparisons use."""

import datetime as dt

import pytest
from django.utils import timezone

from improvement.models import Action, Status
from improvement.reports import build_report
from improvement.rules import action_state_at
from improvement.services import action_override_rag, evidence_accept
from tests.helpers import make_evidence, make_finding, make_update


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00"))


@pytest.fixture
def story(action, owner, leader):
    """Created 1 Jan 2024; blocked 1 Feb; overridden to amber 1 Mar; override removed
    1 May; due date moved 1 Jun; evidence accepted 15 Apr."""
    Action.objects.filter(pk=action.pk).update(
        created_at=_at("2024-01-01"), start_date=dt.date(2024, 1, 1), due_date=dt.date(2024, 9, 30)
    )
    action.refresh_from_db()
    make_update(
        action,
        owner,
        Status.BLOCKED,
        status_before=Status.NOT_STARTED,
        created_at=_at("2024-02-01"),
        due_date_before=dt.date(2024, 9, 30),
        due_date_after=dt.date(2024, 9, 30),
    )
    make_update(
        action,
        owner,
        Status.BLOCKED,
        status_before=Status.BLOCKED,
        created_at=_at("2024-06-01"),
        due_date_before=dt.date(2024, 9, 30),
        due_date_after=dt.date(2024, 12, 31),
        due_date_reason="Auditors left.",
    )
    action = action_override_rag(
        action=action,
        leader=leader,
        rag="amber",
        reason="Cover agreed.",
        expected_version=action.version,
    )
    action.history.filter(rag_override="amber").update(history_date=_at("2024-03-01"))
    action = action_override_rag(
        action=action, leader=leader, rag="", reason="", expected_version=action.version
    )
    latest = action.history.order_by("-history_id").first()
    action.history.filter(history_id=latest.history_id).update(history_date=_at("2024-05-01"))
    evidence = evidence_accept(evidence=make_evidence(action, owner), leader=leader)
    type(evidence).objects.filter(pk=evidence.pk).update(accepted_at=_at("2024-04-15"))
    return action


@pytest.mark.parametrize(
    ("day", "status", "due", "rag", "accepted"),
    [
        ("2023-12-31", None, None, "", 0),
        ("2024-01-15", Status.NOT_STARTED, "2024-09-30", "green", 0),
        ("2024-02-15", Status.BLOCKED, "2024-09-30", "red", 0),
        ("2024-03-15", Status.BLOCKED, "2024-09-30", "amber", 0),  # the override in force
        ("2024-04-20", Status.BLOCKED, "2024-09-30", "amber", 1),
        ("2024-05-15", Status.BLOCKED, "2024-09-30", "red", 1),  # override removed
        ("2024-06-15", Status.BLOCKED, "2024-12-31", "red", 1),  # due date moved
    ],
)
def test_the_state_at_each_moment(story, day, status, due, rag, accepted):
    overrides = list(
        story.history.order_by("history_date", "history_id").values_list(
            "history_date", "rag_override"
        )
    )
    accepted_at = [e.accepted_at for e in story.evidence.exclude(accepted_at=None)]
    state = action_state_at(
        story,
        list(story.updates.order_by("created_at")),
        _at(day),
        overrides=overrides,
        accepted=accepted_at,
    )
    if status is None:
        assert state["exists"] is False
        return
    assert (state["status"], state["due_date"], state["rag"]) == (status, due, rag)
    assert state["evidence_accepted"] == accepted
    assert state["rag_overridden"] is (rag == "amber")


def test_the_board_report_uses_the_override_in_force_at_the_periods_ends(story, authority):
    march = build_report(authority=authority, start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 31))
    row = march["findings"][0]["actions"][0]
    assert row["end"]["rag"] == "amber"
    assert march["summary"]["rag"]["amber"] == 1
    q2 = build_report(authority=authority, start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))
    row = q2["findings"][0]["actions"][0]
    assert (row["start"]["rag"], row["end"]["rag"]) == ("amber", "red")
    assert row["end"]["evidence_accepted"] == 1


def test_an_action_for_two_findings_is_counted_once(action, authority):
    action.findings.add(make_finding(action.findings.get().inspection, text="Oversight.", order=2))
    action.status = Status.BLOCKED
    action.save()
    today = timezone.localdate()
    report = build_report(authority=authority, start=today - dt.timedelta(days=5), end=today)
    assert sum(len(f["actions"]) for f in report["findings"]) == 2  # listed under each finding
    assert report["summary"]["actions"] == 1
    assert [s["id"] for s in report["summary"]["stuck"]] == [action.pk]


def test_the_progress_chart_counts_complete_actions_as_the_report_does(action, owner, leader):
    from improvement.selectors import progress_by_month

    make_update(
        action, owner, Status.READY, status_before=Status.NOT_STARTED, created_at=_at("2024-02-10")
    )
    make_update(
        action, leader, Status.COMPLETE, status_before=Status.READY, created_at=_at("2024-02-20")
    )
    make_update(
        action,
        leader,
        Status.IN_PROGRESS,
        status_before=Status.COMPLETE,
        created_at=_at("2024-03-05"),
    )
    months = {m.month: (m.updates, m.complete) for m in progress_by_month(action.authority)}
    assert months == {"2024-02": (2, 1), "2024-03": (1, 0)}


def test_the_progress_chart_agrees_with_status_at_on_random_histories(authority, owner):
    """The chart's grouped SQL and rules.status_at give the same counts, month by month."""
    import random

    from improvement import rules
    from improvement.selectors import _month_end, progress_by_month
    from tests.helpers import make_action

    rng = random.Random(7)
    histories = {}
    for n in range(12):
        action = make_action([make_finding(text=f"Finding {n}", order=n + 1)], owner=owner)
        status, moment, updates = Status.NOT_STARTED, _at("2024-01-01"), []
        for _ in range(rng.randint(1, 7)):
            moment += dt.timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600))
            after = rng.choice(list(Status))
            updates.append(
                make_update(action, owner, after, status_before=status, created_at=moment)
            )
            status = after
        histories[action.pk] = updates
    months = progress_by_month(authority)
    assert sum(m.updates for m in months) == sum(len(u) for u in histories.values())
    for month in months:
        end = _month_end(month.month)
        expected = sum(
            1
            for updates in histories.values()
            if rules.status_at(updates, end, Status.NOT_STARTED) == Status.COMPLETE
        )
        assert month.complete == expected, month.month


def test_a_finding_carries_its_areas_grade_into_the_report(action, authority):
    from inspections.models import Grade, JudgementArea
    from tests.helpers import make_judgement

    finding = action.findings.get()
    finding.judgement_area = JudgementArea.HELP_AND_PROTECTION
    finding.save()
    make_judgement(finding.inspection, JudgementArea.HELP_AND_PROTECTION, Grade.INADEQUATE)
    today = timezone.localdate()
    report = build_report(authority=authority, start=today - dt.timedelta(days=3), end=today)
    assert report["findings"][0]["grade"] == "Inadequate"
