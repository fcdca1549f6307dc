"""Workflows that touch several models at once, each in one transaction."""

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from inspections.models import LocalAuthority

from .access import can_lead
from .models import Action, BoardReport, Evidence, ProgressUpdate
from .people import display_name
from .reports import build_report
from .uploads import safe_filename

# Fields whose change another person should be told about before they save.
WATCHED_FIELDS = ["status", "due_date", "owner", "team", "title", "rag_override"]


@dataclass(frozen=True)
class NewEvidence:
    title: str
    kind: str
    file: UploadedFile | None = None
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


class ActionChanged(Exception):
    """The action changed after the form was opened; nothing was saved."""

    def __init__(
        self, current: Action, changes: list[FieldChange], updates_since: list[ProgressUpdate]
    ):
        self.current = current
        self.changes = changes
        self.updates_since = updates_since
        super().__init__("This action was changed by someone else after you opened the form.")


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
) -> ProgressUpdate:
    """Write a progress update, the new status and due date, and any evidence: all or nothing.

    Refuses with ActionChanged if the action is no longer at expected_version, so
    two people editing one action never silently overwrite each other. The
    original due date is set once, the first time a due date moves, and never again.
    """
    stored_files: list[Evidence] = []
    try:
        with transaction.atomic():
            if not action.can_update(author):
                raise PermissionDenied
            current = lock_action(action.pk, expected_version)

            now = timezone.now()
            moved = due_date != current.due_date
            update = ProgressUpdate(
                action=current,
                author=author,
                created_at=now,
                status_before=current.status,
                status_after=status,
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


class EvidenceAlreadyAccepted(Exception):
    """Evidence is accepted once; the first acceptance stands."""


def evidence_accept(*, evidence: Evidence, leader) -> Evidence:
    """A leader of the action's authority accepts evidence that the action worked.

    The first acceptance is kept: accepting again is refused, so nobody can
    overwrite who accepted it and when.
    """
    if not evidence.action.can_lead(leader):
        raise PermissionDenied
    with transaction.atomic():
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if current.accepted_by_id is not None:
            raise EvidenceAlreadyAccepted(
                f"“{current.title}” was already accepted by {display_name(current.accepted_by)}"
                f" on {timezone.localtime(current.accepted_at):%-d %B %Y}."
            )
        current.accepted_by = leader
        current.accepted_at = timezone.now()
        current.save(update_fields=["accepted_by", "accepted_at"])
    return current


def action_override_rag(
    *, action: Action, leader, rag: str, reason: str, expected_version: int
) -> Action:
    """A leader's override of the computed RAG; the reason is kept in the action's history.

    Refuses with ActionChanged if the action changed since the form was opened.
    """
    if not action.can_lead(leader):
        raise PermissionDenied
    with transaction.atomic():
        current = lock_action(action.pk, expected_version)
        current.rag_override = rag
        current.rag_override_reason = reason if rag else ""
        why = f"RAG override by {display_name(leader)}: {reason}" if rag else "RAG override removed"
        current._change_reason = history_reason(why)
        current.full_clean()
        current.save()
    return current


def history_reason(text: str) -> str:
    """A change reason that fits simple-history's column (the full text is kept elsewhere)."""
    limit = 100
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lock_action(pk: int, expected_version: int) -> Action:
    """The action, locked until the transaction ends, if it is still at expected_version.

    Every write to an action goes through here, so a write from a form (or a
    file) opened on an older version is refused with what changed, never applied.
    """
    current = Action.objects.select_for_update().get(pk=pk)
    if current.version != expected_version:
        raise changes_since(current, expected_version)
    return current


def changes_since(current: Action, expected_version: int) -> ActionChanged:
    """Say what changed between the version the person saw and now."""
    seen = current.history.filter(version=expected_version).order_by("-history_date").first()
    changes = []
    updates_since: list[ProgressUpdate] = []
    if seen is not None:
        for name in WATCHED_FIELDS:
            field = cast(models.Field, Action._meta.get_field(name))
            before = getattr(seen, field.attname)
            after = getattr(current, field.attname)
            if before != after:
                changes.append(
                    FieldChange(
                        str(field.verbose_name).capitalize(),
                        _display(field, before),
                        _display(field, after),
                    )
                )
        updates_since = list(
            current.updates.filter(created_at__gt=seen.history_date).select_related("author")
        )
    return ActionChanged(current, changes, updates_since)


def _display(field, value) -> str:
    if value in (None, ""):
        return "(none)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(field.related_model.objects.filter(pk=value).first() or value)
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def board_report_save(
    *, authority: LocalAuthority, author, title: str, start: dt.date, end: dt.date
) -> BoardReport:
    """Freeze the board report for a period: from now on it never changes."""
    if not can_lead(author, authority):
        raise PermissionDenied
    report = BoardReport(
        authority=authority,
        title=title,
        period_start=start,
        period_end=end,
        data=build_report(authority=authority, start=start, end=end),
        created_by=author,
        created_at=timezone.now(),
    )
    report.full_clean()
    report.save()
    return report
