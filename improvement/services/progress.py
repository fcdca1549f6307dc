"""Recording progress on an action, and a leader's sign-off or return of the work."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .. import rules
from ..access import can_lead, can_sign_off
from ..choices import OWNER_STATUSES, Status, UpdateKind
from ..models import Action, Evidence, ProgressUpdate
from ..people import display_name
from ..uploads import safe_filename
from .locking import history_reason, lock_action


@dataclass(frozen=True)
class NewEvidence:
    title: str
    kind: str
    file: UploadedFile | None = None
    url: str = ""
    description: str = ""


def action_record_update(
    *,
    action: Action,
    author,
    expected_version: int,
    status: str,
    note: str,
    due_date: dt.date | None,
    due_date_reason: str = "",
    evidence: NewEvidence | None = None,
    no_evidence_reason: str = "",
) -> ProgressUpdate:
    """Write a progress update, the new status and due date, and any evidence: all or nothing.

    Refuses with ActionChanged if the action is no longer at expected_version, so
    two people editing one action never silently overwrite each other. The
    original due date is set once, the first time a due date moves, and never again.
    "Complete" is not a status anyone records: a leader signs the work off.
    Raises ValidationError (by field) when the dates or the request for sign-off
    do not hold.
    """
    stored_files: list[Evidence] = []
    try:
        with transaction.atomic():
            if not action.can_update(author):
                raise PermissionDenied
            current = lock_action(action.pk, expected_version)
            _check_progress(current, author, status, due_date, evidence, no_evidence_reason)

            now = timezone.now()
            moved = due_date != current.due_date
            if status == Status.READY and no_evidence_reason.strip():
                note = f"{note}\n\nNo evidence: {no_evidence_reason.strip()}"
            update = ProgressUpdate(
                action=current,
                author=author,
                created_at=now,
                status_before=current.status,
                status_after=status,
                kind=UpdateKind.READY if status == Status.READY else UpdateKind.PROGRESS,
                note=note,
                due_date_before=current.due_date,
                due_date_after=due_date,
                due_date_reason=due_date_reason if moved else "",
            )
            update.full_clean()
            update.save()

            if current.original_due_date is None:
                current.original_due_date = current.due_date
            current.set_status(status, timezone.localdate(now))
            current.due_date = due_date
            current.last_update_at = now
            current._change_reason = "Progress recorded"
            current.save()

            if evidence is not None:
                record = _evidence_record(current, author, evidence, now)
                if record.file:
                    stored_files.append(record)
                record.save()
    except BaseException:
        # Files are not transactional: remove what was written for a rolled-back update.
        for record in stored_files:
            record.file.delete(save=False)
        raise
    return update


def _check_progress(
    current: Action,
    author,
    status: str,
    due_date: dt.date | None,
    evidence: NewEvidence | None,
    no_evidence_reason: str,
) -> None:
    if status not in OWNER_STATUSES:
        raise ValidationError({"status": "A leader signs an action off: ask for sign-off"})
    if current.status == Status.COMPLETE and not can_lead(author, current.authority):
        raise ValidationError({"status": "Only a leader can reopen a signed-off action"})
    errors = rules.due_date_errors(
        status=status,
        start_date=current.start_date,
        due_before=current.due_date,
        due_after=due_date,
        today=timezone.localdate(),
    )
    if status == Status.READY:
        has_evidence = evidence is not None or has_live_evidence(current)
        errors |= rules.ready_errors(
            has_evidence=has_evidence, no_evidence_reason=no_evidence_reason
        )
    if errors:
        raise ValidationError(errors)


def has_live_evidence(action: Action) -> bool:
    """Evidence that has not been returned to be improved."""
    return action.evidence.filter(returned_at__isnull=True).exists()


def _evidence_record(action: Action, added_by, evidence: NewEvidence, when) -> Evidence:
    """A validated, unsaved Evidence row; its file (if any) is stored last of all."""
    record = Evidence(
        action=action,
        title=evidence.title,
        kind=evidence.kind,
        url=evidence.url,
        description=evidence.description,
        added_by=added_by,
        added_at=when,
    )
    if evidence.file is not None:
        record.full_clean(exclude=["file", "url"])
        record.file.save(safe_filename(evidence.file.name or ""), evidence.file, save=False)
    else:
        record.full_clean()
    return record


def action_sign_off(*, action: Action, leader, expected_version: int, comment: str = "") -> Action:
    """A leader other than the owner signs off work that is ready: the action is complete."""
    return _review(
        action=action,
        leader=leader,
        expected_version=expected_version,
        status=Status.COMPLETE,
        kind=UpdateKind.SIGNED_OFF,
        note=comment.strip() or "Signed off.",
    )


def action_return(*, action: Action, leader, expected_version: int, comment: str) -> Action:
    """A leader other than the owner sends the work back, with what is still needed."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what is still needed"})
    return _review(
        action=action,
        leader=leader,
        expected_version=expected_version,
        status=Status.IN_PROGRESS,
        kind=UpdateKind.RETURNED,
        note=comment.strip(),
    )


def _review(
    *, action: Action, leader, expected_version: int, status: str, kind: str, note: str
) -> Action:
    if not can_sign_off(leader, action):
        raise PermissionDenied
    with transaction.atomic():
        current = lock_action(action.pk, expected_version)
        if current.status != Status.READY:
            raise ValidationError(
                {"comment": "Only an action ready for sign-off can be signed off or returned"}
            )
        now = timezone.now()
        ProgressUpdate.objects.create(
            action=current,
            author=leader,
            created_at=now,
            status_before=current.status,
            status_after=status,
            kind=kind,
            note=note,
            due_date_before=current.due_date,
            due_date_after=current.due_date,
        )
        current.set_status(status, timezone.localdate(now))
        current.last_update_at = now
        current._change_reason = history_reason(
            f"{UpdateKind(kind).label} by {display_name(leader)}"
        )
        current.save()
    return current
