"""The plan's rules (improvement.rules): each written once, and its SQL twin agreeing."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from improvement import rules
from improvement.models import Action, Status
from tests.helpers import make_action, make_evidence, make_finding

TODAY = dt.date(2024, 6, 1)


class Recorder:
    """Stands in for an action and records every attribute the rule reads."""

    def __init__(self, **values):
        self._values = values
        self.read: set[str] = set()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        self.read.add(name)
        return self._values[name]


CASES = [
    {"status": status, "start_date": start, "due_date": due, "last_update_at": last}
    for status, start, due, last in itertools.product(
        Status.values,
        [None, dt.date(2024, 1, 1), dt.date(2024, 5, 30)],
        [None, dt.date(2024, 5, 1), dt.date(2024, 6, 20), dt.date(2025, 1, 1)],
        [None, timezone.make_aware(dt.datetime(2024, 5, 25, 12))],
    )
]


def test_the_rag_rule_reads_only_the_fields_lists_load():
    read: set[str] = set()
    for values in CASES:
        action = Recorder(**values)
        rules.computed_rag(action, TODAY)
        read |= action.read
    # Every branch was taken, so every field the rule can read has been read.
    assert read == {"status", "start_date", "due_date", "last_update_at"}
    assert read <= set(rules.RAG_FIELDS)


@pytest.mark.django_db
def test_an_action_loaded_with_only_the_rag_fields_needs_no_more_queries(
    django_assert_num_queries,
):
    make_action([make_finding()], rag_override="amber", rag_override_reason="Audit late.")
    action = Action.objects.only("pk", *rules.RAG_FIELDS).get()
    with django_assert_num_queries(0):
        assert action.rag == "amber"
        action.computed_rag()


@pytest.mark.parametrize("values", CASES)
def test_overdue_means_open_and_past_due(values):
    expected = values["status"] != Status.COMPLETE and bool(
        values["due_date"] and values["due_date"] < TODAY
    )
    assert rules.is_overdue(values["status"], values["due_date"], TODAY) is expected


@pytest.mark.django_db
def test_the_sql_twins_agree_with_the_python_rules():
    finding = make_finding()
    today = timezone.localdate()
    for status, days in itertools.product(Status.values, [-5, -1, 0, 1, 14, 15, 30, 31, None]):
        due = today + dt.timedelta(days=days) if days is not None else None
        make_action(
            [finding],
            status=status,
            due_date=due,
            completed_date=today if status == Status.COMPLETE else None,
        )
    actions = list(Action.objects.all())
    overdue = {a.pk for a in actions if rules.is_overdue(a.status, a.due_date, today)}
    assert set(Action.objects.overdue().values_list("pk", flat=True)) == overdue
    for days in (rules.DUE_SOON_DAYS, rules.REMINDER_WINDOW_DAYS):
        soon = {a.pk for a in actions if rules.is_due_within(a.status, a.due_date, today, days)}
        assert set(Action.objects.due_within(days).values_list("pk", flat=True)) == soon
        due_by = {a.pk for a in actions if a.pk in overdue or a.pk in soon}
        last_day = today + dt.timedelta(days=days)
        assert set(Action.objects.due_by(last_day).values_list("pk", flat=True)) == due_by
    assert overdue and soon  # the cases cover both


def test_due_soon_and_the_reminder_window_are_different_rules():
    assert rules.DUE_SOON_DAYS == 30
    assert rules.REMINDER_WINDOW_DAYS == 14


@pytest.mark.parametrize(
    ("status", "completed", "expected"),
    [
        (Status.COMPLETE, None, TODAY),
        (Status.COMPLETE, dt.date(2024, 1, 2), dt.date(2024, 1, 2)),
        (Status.IN_PROGRESS, dt.date(2024, 1, 2), None),
        (Status.NOT_STARTED, None, None),
    ],
)
def test_the_completed_date_goes_with_the_status(status, completed, expected):
    assert rules.completed_date_for(status, completed, TODAY) == expected
    assert rules.completed_date_error(status, expected) == ""


def test_a_status_and_completed_date_that_disagree_are_named():
    assert "needs a completed date" in rules.completed_date_error(Status.COMPLETE, None)
    assert "only a complete action" in rules.completed_date_error(Status.BLOCKED, TODAY)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "no_actions"),
        (["complete", "complete"], "complete"),
        (["blocked", "complete"], "blocked"),
        (["not_started", "complete"], "in_progress"),
        (["not_started"], "not_started"),
    ],
)
def test_a_finding_rolls_up_its_actions_statuses(statuses, expected):
    assert rules.rollup_status(statuses) == expected


def test_a_finding_is_as_red_as_its_reddest_action():
    assert rules.worst_rag(["blue", "green", "amber"]) == "amber"
    assert rules.worst_rag([]) == "red"


@pytest.mark.django_db
def test_the_dashboards_plain_rows_rate_and_name_as_the_models_do(owner):
    """plan_actions reads actions as values (PlanAction); their RAG, owner's name and
    link must be the model's, whatever the status, dates, override and updates."""
    from django.contrib.auth import get_user_model

    from improvement.people import display_name
    from improvement.selectors import plan_actions
    from inspections.models import Finding

    nameless = get_user_model().objects.create_user("nameless", password="x")
    nameless.authorities.set(owner.authorities.all())
    finding = make_finding()
    today = timezone.localdate()
    cases = itertools.product(
        Status.values, [-40, -3, 10, 25, None], ["", "green"], [None, 1, 45], [owner, nameless]
    )
    for status, due_in, override, updated_ago, person in cases:
        due = today + dt.timedelta(days=due_in) if due_in is not None else None
        make_action(
            [finding],
            status=status,
            start_date=today - dt.timedelta(days=60),
            due_date=due,
            completed_date=today if status == Status.COMPLETE else None,
            rag_override=override,
            rag_override_reason="Agreed at the board." if override else "",
            last_update_at=timezone.now() - dt.timedelta(days=updated_ago)
            if updated_ago is not None
            else None,
            owner=person,
        )
    # Evidence of each kind on some of them: accepted, waiting, returned, and a mix.
    now = timezone.now()
    decided = {
        "accepted": {"accepted_at": now, "accepted_by": owner},
        "waiting": {},
        "returned": {"returned_at": now, "returned_by": owner, "return_comment": "Not dated."},
    }
    for i, action in enumerate(Action.objects.order_by("pk")[:40]):
        for kind in list(decided)[: i % 4] + list(decided)[i % 3 : i % 3 + 1] * (i % 2):
            make_evidence(action, owner, **decided[kind])
    models = {a.pk: a for a in Action.objects.select_related("owner")}
    rows = plan_actions(Finding.objects.filter(pk=finding.pk))
    assert len(rows) == len(models)
    for row in rows:
        model = models[row.pk]
        assert row.rag == model.rag, (row, model.computed_rag())
        assert display_name(row.owner) == display_name(model.owner)
        assert row.get_absolute_url() == model.get_absolute_url()
        evidence = model.evidence.all()
        assert row.evidence == (
            len(evidence),
            sum(1 for e in evidence if e.accepted_at),
            sum(1 for e in evidence if not e.accepted_at and not e.returned_at),
        )
    assert {row.evidence.waiting for row in rows} >= {0, 1, 2}
    assert {row.evidence.accepted for row in rows} >= {0, 1, 2}
    assert {row.rag for row in rows} == {"red", "amber", "green", "blue"}
