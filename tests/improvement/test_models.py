import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from improvement.models import Action, Evidence, ProgressUpdate, Status
from tests.helpers import (
    make_action,
    make_evidence,
    make_finding,
    make_update,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_a_progress_update_cannot_be_changed_once_written():
    update = make_update(make_action(), make_user())
    update.note = "Rewritten history."
    with pytest.raises(ValidationError, match="cannot be changed"):
        update.save()
    update.refresh_from_db()
    assert update.note == "Audit started."


def test_a_progress_update_cannot_be_deleted():
    update = make_update(make_action(), make_user())
    with pytest.raises(ValidationError, match="cannot be deleted"):
        update.delete()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_a_progress_update_needs_a_note():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_update(make_action(), make_user(), note="")


def test_moving_the_due_date_needs_a_reason():
    action = make_action(due_date=dt.date(2024, 3, 31))
    update = ProgressUpdate(
        action=action,
        author=make_user(),
        created_at=timezone.now(),
        status_before=Status.NOT_STARTED,
        status_after=Status.IN_PROGRESS,
        note="Slipped.",
        due_date_before=dt.date(2024, 3, 31),
        due_date_after=dt.date(2024, 6, 30),
    )
    with pytest.raises(ValidationError) as excinfo:
        update.full_clean()
    assert "Give a reason for moving the due date." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()

    update.due_date_reason = "Waiting for the new case management system."
    update.full_clean()
    update.save()


def test_a_complete_action_needs_a_completed_date_and_an_open_one_has_none():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_action(status=Status.COMPLETE)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_action(status=Status.IN_PROGRESS, completed_date=dt.date(2024, 1, 1))
    make_action(status=Status.COMPLETE, completed_date=dt.date(2024, 1, 1))


def test_evidence_needs_a_file_or_a_link():
    action = make_action()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_evidence(action, make_user(), url="")
    assert Evidence.objects.count() == 0


def test_overdue_means_open_and_past_its_current_due_date():
    today = timezone.localdate()
    finding = make_finding()
    late = make_action(findings=[finding], title="late", due_date=today - dt.timedelta(days=1))
    make_action(title="due today", findings=[finding], due_date=today)
    make_action(
        title="late but done",
        findings=[finding],
        due_date=today - dt.timedelta(days=5),
        status=Status.COMPLETE,
        completed_date=today,
    )
    make_action(title="no date", findings=[finding])

    assert list(Action.objects.overdue()) == [late]
    assert [a.title for a in Action.objects.all() if a.is_overdue] == ["late"]


def test_action_history_records_status_changes():
    action = make_action()
    action.status = Status.BLOCKED
    action.save()
    statuses = [h.status for h in action.history.order_by("history_date", "history_id")]
    assert statuses[0] == Status.NOT_STARTED
    assert statuses[-1] == Status.BLOCKED
