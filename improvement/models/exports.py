"""Downloads too large to write while the person waits: written by a background task."""

from datetime import timedelta
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone

from inspections.models import LocalAuthority

from ..choices import ExportKind, ExportStatus


def export_storage() -> Storage:
    """Where finished exports are kept: a private folder with no public URL (see settings)."""
    return storages["exports"]


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def requested_by(self, user) -> "ExportJobQuerySet":
        return self.filter(requested_by=user)

    def expired(self, now=None) -> "ExportJobQuerySet":
        """Exports asked for more than EXPORT_KEEP_DAYS ago."""
        now = now or timezone.now()
        return self.filter(created_at__lt=now - timedelta(days=settings.EXPORT_KEEP_DAYS))

    def unfinished(self) -> "ExportJobQuerySet":
        """Exports waiting for the worker or being written."""
        return self.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])

    def stalled(self, now=None) -> "ExportJobQuerySet":
        """Exports waiting, or being written, for longer than EXPORT_STALLED_MINUTES."""
        now = now or timezone.now()
        cutoff = now - timedelta(minutes=settings.EXPORT_STALLED_MINUTES)
        return self.filter(
            models.Q(status=ExportStatus.QUEUED, created_at__lt=cutoff)
            | models.Q(status=ExportStatus.RUNNING, started_at__lt=cutoff)
        )

    def remove(self) -> int:
        """Delete these exports and their files; returns how many were deleted."""
        count = 0
        for job in self.only("pk", "file"):
            if job.file:
                job.file.delete(save=False)
            job.delete()
            count += 1
        return count


class ExportJob(models.Model):
    """One download asked for by one person, written in the background when it is large.

    `querystring` holds the filters as they were chosen on the page, and
    `authorities` the authorities the export may hold (those the person saw, or the
    one chosen). The file is only ever sent by a view that checks the person asking
    is the requester and still sees each of those authorities (access.can_download).
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    fmt = models.CharField("format", max_length=4, choices=[("csv", "CSV"), ("xlsx", "Excel")])
    querystring = models.TextField(blank=True, help_text="The filters, as in the page's address.")
    authorities = models.ManyToManyField(LocalAuthority, blank=True, related_name="+")
    filename = models.CharField(max_length=200, help_text="The name the download is given.")
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    row_count = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(storage=export_storage, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ExportStatus.READY) | ~models.Q(file=""),
                name="export_ready_has_file",
                violation_error_message="A finished export needs its file.",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    def filters(self) -> str:
        """The filters chosen, as people read them: "status: complete, overdue: yes"."""
        return ", ".join(f"{name}: {value}" for name, value in parse_qsl(self.querystring))
