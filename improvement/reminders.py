"""Daily reminder e-mails: a digest for each owner, a summary for each leader.

An owner's digest lists their actions that are overdue or due soon, and the
values their measures owe (impact.missing_periods: a period's value is due once
the period has ended); a leader's summary lists both for each of their
authorities. Only the current plan counts. Run by `manage.py send_reminders`
from cron. Each person gets each kind of reminder at most once a day
(ReminderSent), so running it twice is harmless.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from inspections.models import LocalAuthority

from . import impact
from .choices import Role
from .models import Action, Measure, ReminderSent
from .rules import REMINDER_WINDOW_DAYS, is_overdue
from .selectors import MissingValue, missing_values


@dataclass(frozen=True)
class DueAction:
    """An action as a reminder lists it, with the link to its page."""

    action: Action
    link: str


@dataclass(frozen=True)
class DueValue:
    """A measure's missing value as a reminder lists it, with the link to the form for it."""

    missing: MissingValue
    link: str


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    no_email: list[str] = field(default_factory=list)


def _due_actions(today: dt.date):
    """Open actions of the current plan that are overdue or due within the reminder window."""
    return (
        Action.objects.in_current_plan()
        .due_by(today + dt.timedelta(days=REMINDER_WINDOW_DAYS))
        .select_related("owner", "authority")
        .order_by("due_date", "pk")
    )


def _row(action: Action, today: dt.date) -> tuple[str, DueAction]:
    """Which list the action goes in, and the row for it."""
    key = "overdue" if is_overdue(action.status, action.due_date, today) else "due_soon"
    return key, DueAction(action, settings.SITE_URL.rstrip("/") + action.get_absolute_url())


def values_form_link(authority: LocalAuthority, frequency: str, period: dt.date) -> str:
    """The page where the authority's values for the period are entered: the form of the
    month the period ends with (a quarter's values are entered in its last month)."""
    month = impact.period_end(frequency, period)
    query = urlencode({"authority": authority.slug, "period": f"{month:%Y-%m}"})
    return f"{settings.SITE_URL.rstrip('/')}{reverse('improvement:measure_values')}?{query}"


def _due_values(today: dt.date) -> list[DueValue]:
    """Values the current plan's measures owe, each with the link to the form for its period."""
    return [
        DueValue(
            missing,
            values_form_link(missing.measure.authority, missing.measure.frequency, missing.period),
        )
        for missing in missing_values(Measure.objects.in_current_plan(), today)
    ]


def _empty() -> dict:
    return {"overdue": [], "due_soon": [], "values": []}


def owner_digests(today: dt.date) -> dict:
    """{owner: {"overdue": [...], "due_soon": [...], "values": [...]}} for active owners."""
    digests: dict = defaultdict(_empty)
    for action in _due_actions(today).filter(owner__is_active=True):
        key, row = _row(action, today)
        digests[action.owner][key].append(row)
    for due in _due_values(today):
        if due.missing.measure.owner.is_active:
            digests[due.missing.measure.owner]["values"].append(due)
    return digests


def leader_summaries(today: dt.date) -> dict:
    """{leader: [(authority, overdue, due_soon, values)]} for active leaders of each authority.

    A leader hears of every owner's, active or not: someone has to take over
    what a person who left owned.
    """
    by_authority: dict = defaultdict(_empty)
    for action in _due_actions(today):
        key, row = _row(action, today)
        by_authority[action.authority_id][key].append(row)
    for due in _due_values(today):
        by_authority[due.missing.measure.authority_id]["values"].append(due)
    leaders = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.LEADER.value)
        .prefetch_related("authorities")
        .distinct()
    )
    summaries = {}
    for leader in leaders:
        rows = [
            (
                authority,
                by_authority[authority.pk]["overdue"],
                by_authority[authority.pk]["due_soon"],
                by_authority[authority.pk]["values"],
            )
            for authority in leader.authorities.all()
            if authority.pk in by_authority
        ]
        if rows:
            summaries[leader] = rows
    return summaries


def send_reminders(*, today: dt.date | None = None, dry_run: bool = False) -> Outcome:
    today = today or timezone.localdate()
    outcome = Outcome()
    for owner, digest in owner_digests(today).items():
        _send(
            owner,
            ReminderSent.Kind.OWNER_DIGEST,
            today,
            "Your improvement plan: actions due and measure values to enter",
            "email/owner_digest",
            {"user": owner, "today": today, "days": REMINDER_WINDOW_DAYS, **digest},
            outcome,
            dry_run,
        )
    for leader, rows in leader_summaries(today).items():
        _send(
            leader,
            ReminderSent.Kind.LEADER_SUMMARY,
            today,
            "Improvement plan: overdue and due-soon actions, missing measure values",
            "email/leader_summary",
            {"user": leader, "today": today, "days": REMINDER_WINDOW_DAYS, "rows": rows},
            outcome,
            dry_run,
        )
    return outcome


def _send(user, kind, today, subject, template, context, outcome: Outcome, dry_run: bool):
    label = f"{user.get_username()} ({ReminderSent.Kind(kind).label.lower()})"
    if not user.email:
        outcome.no_email.append(label)
        return
    if ReminderSent.objects.filter(recipient=user, kind=kind, sent_on=today).exists():
        outcome.already_sent.append(label)
        return
    if dry_run:
        outcome.sent.append(label)
        return
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    # Record and send together: if sending fails, the record is rolled back and
    # tomorrow's (or a re-run's) attempt tries again.
    with transaction.atomic():
        ReminderSent.objects.create(
            recipient=user, kind=kind, sent_on=today, sent_at=timezone.now()
        )
        message.send()
    outcome.sent.append(label)
