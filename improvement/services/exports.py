"""Downloads written in the background: asking for one, and writing it.

Imported from here, not from `services`: it reads bulk.py, which imports `services`.
"""

import logging
import tempfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from ..access import export_scope
from ..choices import ExportStatus
from ..exports import export_queryset, export_table
from ..models import ExportJob
from ..tables import write_table

logger = logging.getLogger(__name__)


STALLED = "It stopped before it was finished (the background worker was stopped or is not running)."


def export_request(*, user, kind: str, fmt: str, querystring: str, filename: str) -> ExportJob:
    """Queue a download too large to write while the person waits.

    The export may hold the authorities the person sees now (narrowed to the one
    the filters chose); the task worker writes it (`tasks.export_write_task`).
    The same download already waiting or being written for the person is returned,
    not asked for twice; beyond EXPORT_QUEUE_LIMIT of their downloads waiting or
    being written, a new one is refused (ValidationError), so no one person can
    fill the worker's queue.
    """
    from ..tasks import export_write_task

    # One transaction: with the database task backend, the job and its task are
    # saved together, so the worker never picks up a task for a job it cannot see.
    with transaction.atomic():
        # The person's row, locked: two requests of theirs at once are counted in turn.
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        export_mark_stalled(user=user)
        waiting = ExportJob.objects.requested_by(user).unfinished()
        same = waiting.filter(kind=kind, fmt=fmt, querystring=querystring).first()
        if same is not None:
            return same
        if waiting.count() >= settings.EXPORT_QUEUE_LIMIT:
            raise ValidationError(
                f"You already have {settings.EXPORT_QUEUE_LIMIT} downloads being prepared. "
                "Wait for one of them to finish, then ask for this one again.",
                code="queue_full",
            )
        job = ExportJob.objects.create(
            requested_by=user, kind=kind, fmt=fmt, querystring=querystring, filename=filename
        )
        scope = export_scope(user, kind)
        if slug := QueryDict(querystring).get("authority"):
            scope = scope.filter(slug=slug)
        job.authorities.set(scope)
        export_write_task.enqueue(job.pk)
    return job


def export_write(*, job: ExportJob) -> None:
    """Write the export's file: its rows as the person who asked sees them now.

    A failure is recorded on the job (the person sees that it failed) and raised
    again, so the task's result records it too.
    """
    job.started_at = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, started_at=job.started_at, error=""
    )
    try:
        queryset = export_queryset(
            job.kind, job.requested_by, QueryDict(job.querystring), job.authorities.all()
        )
        if queryset is None:
            raise ValueError(f"The filters are not valid: {job.querystring}")
        columns, rows = export_table(job.kind, queryset)
        with tempfile.TemporaryFile() as out:
            job.row_count = write_table(out, columns, rows, job.fmt)
            out.seek(0)
            job.file.save(f"{job.pk}-{job.filename}", File(out), save=False)
    except Exception as exc:
        logger.exception("Export %s failed", job.pk)
        job.status, job.error, job.finished_at = ExportStatus.FAILED, repr(exc), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    # Ready even if it had been taken for stopped meanwhile: the file is there now.
    job.status, job.error, job.finished_at = ExportStatus.READY, "", timezone.now()
    job.save(update_fields=["status", "error", "row_count", "file", "finished_at"])


def export_mark_stalled(*, user=None) -> int:
    """Mark as failed the exports (of `user`, or everyone's) that have waited or been
    written for longer than EXPORT_STALLED_MINUTES; returns how many.

    A worker that comes back to one later still writes it, and it turns Ready.
    """
    stalled = ExportJob.objects.stalled()
    if user is not None:
        stalled = stalled.requested_by(user)
    return stalled.update(status=ExportStatus.FAILED, error=STALLED, finished_at=timezone.now())


def export_remove_expired() -> int:
    """Delete exports (and their files) older than EXPORT_KEEP_DAYS; returns how many."""
    return ExportJob.objects.expired().remove()
