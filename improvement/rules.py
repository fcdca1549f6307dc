"""The plan's rules, each written once: overdue, due soon, RAG, roll-ups, state at a date.

Everything that decides a figure a board sees lives here, as plain functions of
plain values, so that the models, the dashboard, the board report and the
reminders all ask the same question the same way. The SQL twins of these rules
(for filtering lists) sit beside the Python ones in ActionQuerySet and say so.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils import timezone

from .choices import RAG, FindingStatus, Status

if TYPE_CHECKING:
    from .models import Action, ProgressUpdate

# A dashboard's "due soon": open actions due within this many days.
DUE_SOON_DAYS = 30
# A reminder e-mail's window: open actions overdue or due within this many days.
REMINDER_WINDOW_DAYS = 14

# The RAG rule's thresholds (see computed_rag).
AMBER_SCHEDULE_MARGIN = 0.25
STALE_AFTER_DAYS = 30
STALE_DUE_WITHIN_DAYS = 30

# How far along each status counts for the schedule test of the amber rule.
PROGRESS_SHARE: dict[str, float] = {Status.IN_PROGRESS: 0.5, Status.READY: 1.0}

# The fields of an Action that the RAG rule (with the override) reads; lists that
# show a RAG load only these. tests/improvement/test_rules.py checks the rule
# reads nothing else.
RAG_FIELDS = ("status", "start_date", "due_date", "last_update_at", "rag_override")

# Worst first: a finding is as red as its reddest action.
RAG_ORDER = (RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE)


class RagInputs(Protocol):
    status: str
    start_date: dt.date | None
    due_date: dt.date | None
    last_update_at: dt.datetime | None


def is_open(status: str) -> bool:
    return status != Status.COMPLETE


def is_overdue(status: str, due_date: dt.date | None, today: dt.date) -> bool:
    """Open and past its current due date (SQL twin: ActionQuerySet.overdue)."""
    return is_open(status) and due_date is not None and due_date < today


def is_due_within(status: str, due_date: dt.date | None, today: dt.date, days: int) -> bool:
    """Open and due between today and `days` from now, both included."""
    return (
        is_open(status)
        and due_date is not None
        and today <= due_date <= today + dt.timedelta(days=days)
    )


def completed_date_for(
    status: str, completed_date: dt.date | None, today: dt.date
) -> dt.date | None:
    """A complete action keeps (or gets) a completed date; any other status has none.

    The database enforces the same with the action_complete_has_date and
    action_open_has_no_completed_date constraints.
    """
    if status == Status.COMPLETE:
        return completed_date or today
    return None


def completed_date_error(status: str, completed_date: dt.date | None) -> str:
    """Why a status and completed date do not go together, or "" if they do."""
    if status == Status.COMPLETE and not completed_date:
        return "a complete action needs a completed date"
    if status and status != Status.COMPLETE and completed_date:
        return "only a complete action can have a completed date"
    return ""


def due_date_errors(
    *,
    status: str,
    start_date: dt.date | None,
    due_before: dt.date | None,
    due_after: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    """Why a due date cannot be set, by field: dates that mean something.

    An open action always has a due date; it is never before the start; and a
    due date that moves does not move into the past (an old one may stay, overdue).
    """
    errors = {}
    if is_open(status) and due_after is None:
        errors["due_date"] = "An open action needs a due date"
    elif due_after is not None and due_after != due_before and due_after < today:
        errors["due_date"] = "A due date cannot be moved into the past"
    elif due_after is not None and start_date is not None and due_after < start_date:
        errors["due_date"] = "The due date cannot be before the start date"
    return errors


def ready_errors(*, has_evidence: bool, no_evidence_reason: str) -> dict[str, str]:
    """An action is ready for sign-off with evidence, or with a reason why there is none."""
    if has_evidence or no_evidence_reason.strip():
        return {}
    return {
        "no_evidence_reason": "Add evidence, or say why there is none, before asking for sign-off"
    }


def computed_rag(action: RagInputs, today: dt.date) -> str:
    """The RAG rule (documented in the README).

    - blue: complete;
    - red: blocked, or open past its current due date;
    - amber: behind schedule. Either the share of the time from start to due date
      that has gone is well ahead of progress (more than a quarter ahead, counting
      "not started" and "blocked" as no progress, "in progress" as half way and
      "ready for sign-off" as all the way), or nothing was
      recorded in the last 30 days while it is due within 30 days;
    - green: otherwise.
    """
    if action.status == Status.COMPLETE:
        return RAG.BLUE
    if action.status == Status.BLOCKED or is_overdue(action.status, action.due_date, today):
        return RAG.RED
    due = action.due_date
    if due:
        start = action.start_date
        if start and start < due:
            elapsed = (today - start).days / (due - start).days
            progress = PROGRESS_SHARE.get(action.status, 0.0)
            if elapsed - progress > AMBER_SCHEDULE_MARGIN:
                return RAG.AMBER
        last = timezone.localdate(action.last_update_at) if action.last_update_at else None
        stale = last is None or (today - last).days > STALE_AFTER_DAYS
        if stale and (due - today).days <= STALE_DUE_WITHIN_DAYS:
            return RAG.AMBER
    return RAG.GREEN


def shown_rag(override: str, computed: str) -> str:
    """The RAG shown everywhere: a leader's override if there is one, else the computed one."""
    return override or computed


def rollup_status(statuses: Sequence[str]) -> str:
    """One status for a finding from its actions' statuses.

    No actions: nothing is being done about it. All complete: complete. Any
    blocked: blocked (a leader must know). Any started or done: in progress.
    """
    if not statuses:
        return FindingStatus.NO_ACTIONS
    if all(s == Status.COMPLETE for s in statuses):
        return FindingStatus.COMPLETE
    if Status.BLOCKED in statuses:
        return FindingStatus.BLOCKED
    if any(s in (Status.IN_PROGRESS, Status.READY, Status.COMPLETE) for s in statuses):
        return FindingStatus.IN_PROGRESS
    return FindingStatus.NOT_STARTED


def worst_rag(rags: Iterable[str]) -> str:
    """The worst RAG of a finding's actions; red when it has no actions at all."""
    rags = list(rags)
    if not rags:
        return RAG.RED
    return min(rags, key=RAG_ORDER.index)


class Rated(Protocol):
    """An action as a roll-up reads it: a model, or a row read as values."""

    @property
    def status(self) -> str: ...

    @property
    def rag(self) -> str: ...


def finding_rollup(actions: Sequence[Rated]) -> tuple[str, str]:
    """(status, RAG) of a finding from its actions."""
    return rollup_status([a.status for a in actions]), worst_rag(a.rag for a in actions)


@dataclass
class _StateInputs:
    status: str
    start_date: dt.date | None
    due_date: dt.date | None
    last_update_at: dt.datetime | None


class UpdateLike(Protocol):
    created_at: dt.datetime
    status_before: str
    status_after: str


def last_update_by(updates: Sequence[Any], moment: dt.datetime) -> Any:
    """The last of `updates` (oldest first) recorded by `moment`, or None."""
    index = bisect_right([u.created_at for u in updates], moment)
    return updates[index - 1] if index else None


def status_at(updates: Sequence[UpdateLike], moment: dt.datetime, current: str) -> str:
    """An action's status at a moment, from its progress updates (oldest first)."""
    latest = last_update_by(updates, moment)
    if latest is not None:
        return latest.status_after
    return updates[0].status_before if updates else current


def action_state_at(
    action: Action,
    updates: list[ProgressUpdate],
    moment: dt.datetime,
    overrides: Sequence[tuple[dt.datetime, str]] = (),
    accepted: Sequence[dt.datetime] = (),
) -> dict:
    """An action as it stood at a past moment: the one place board reports and
    comparisons ask.

    Status and due date come from the progress updates (oldest first); the RAG
    is the rule's as it stood then, or the leader's override in force then
    (`overrides`: the action's history as (when, override), oldest first);
    `evidence_accepted` counts the evidence accepted by then (`accepted`: when
    each piece was accepted).
    """
    if action.created_at and action.created_at > moment:
        return {"exists": False, "status": "", "due_date": None, "rag": ""}
    latest = last_update_by(updates, moment)
    last: dt.datetime | None
    if latest is not None:
        status, due, last = latest.status_after, latest.due_date_after, latest.created_at
    elif updates:
        status, due, last = updates[0].status_before, updates[0].due_date_before, None
    else:
        status, due, last = action.status, action.due_date, None
    then = _StateInputs(
        status=status, start_date=action.start_date, due_date=due, last_update_at=last
    )
    override = next((rag for when, rag in reversed(overrides) if when <= moment), "")
    return {
        "exists": True,
        "status": status,
        "due_date": due.isoformat() if due else None,
        "rag": shown_rag(override, computed_rag(then, today=timezone.localdate(moment))),
        "rag_overridden": bool(override),
        "evidence_accepted": sum(1 for when in accepted if when <= moment),
    }
