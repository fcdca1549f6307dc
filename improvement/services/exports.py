"""Downloads written in the background: asking for one, and writing it.

Imported from here, not from `services`: it reads bulk.py, which imports `services`.
"""

import logging
import tempfile

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


def export_request(*, user, kind: str, fmt: str, querystring: str, filename: str) -> ExportJob:
    """Queue a download too large to write while the person waits.

    The export may hold the authorities the person sees now (narrowed to the one
    the filters chose); the task worker writes it (`tasks.export_write_task`).
    """
    from ..tasks import export_write_task

    # One transaction: with the database task backend, the job and its task are
    # saved together, so the worker never picks up a task for a job it cannot see.
    with transaction.atomic():
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
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
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
    job.status, job.finished_at = ExportStatus.READY, timezone.now()
    job.save(update_fields=["status", "row_count", "file", "finished_at"])


def export_remove_expired() -> int:
    """Delete exports (and their files) older than EXPORT_KEEP_DAYS; returns how many."""
    return ExportJob.objects.expired().remove()
