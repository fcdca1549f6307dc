"""What the plan tells people: saved board reports, and the reminders sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from inspections.models import LocalAuthority

from ..access import authorities_visible_to


class UnreadableReport(Exception):
    """A saved report's data is in a schema this code does not know."""


class BoardReportQuerySet(models.QuerySet):
    def current(self) -> "BoardReportQuerySet":
        """Reports not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user) -> "BoardReportQuerySet":
        return self.filter(authority__in=authorities_visible_to(user))


class BoardReport(models.Model):
    """A quarterly progress report as issued to the improvement board: frozen once saved.

    `data` is the whole report (see improvement.reports.build_report), so a board
    pack reads the same for ever, whatever happens to the plan afterwards. Its
    "version" key is the schema it was written in; read it through `content()`,
    which refuses a schema this code cannot read. A change to the shape of the
    data bumps SCHEMA_VERSION and teaches `content()` to read the old one.
    """

    # 3 added each finding's "measures" and "impact_end"; 2 added "scope" and
    # "commentary" (top level and per finding); 1 lacks them. An older report shows
    # without the sections it lacks (reports.has_measures).
    SCHEMA_VERSION = 3
    READABLE_VERSIONS = frozenset({1, 2, 3})

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="board_reports"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    data = models.JSONField()
    # What the report covers: "" for the current plan's open findings, else the ids of
    # the inspections chosen ("12,15"); one saved report per authority, period and scope.
    scope = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_reports"
    )
    created_at = models.DateTimeField(db_index=True)
    # A report is never deleted; one issued in error is withdrawn, with the reason.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="board_reports_withdrawn",
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = BoardReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="board_report_period_order",
                violation_error_message="The period cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | (
                    Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdrawal_reason="")
                ),
                name="board_report_withdrawal_complete",
                violation_error_message="A withdrawal needs who, when and why.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError("A saved board report cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("improvement:report_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ValidationError("A saved board report cannot be deleted.")

    def content(self) -> dict:
        """The frozen report data, after checking its schema version."""
        version = self.data.get("version") if isinstance(self.data, dict) else None
        if version not in self.READABLE_VERSIONS:
            raise UnreadableReport(
                f"Board report {self.pk} is in schema version {version!r}; "
                f"this version of the app reads {sorted(self.READABLE_VERSIONS)}."
            )
        return self.data

    def previous(self) -> "BoardReport | None":
        """The report saved before this one for the same authority."""
        return (
            BoardReport.objects.current()
            .filter(authority=self.authority, created_at__lt=self.created_at)
            .order_by("-created_at", "-pk")
            .first()
        )


class ReminderSent(models.Model):
    """One reminder e-mail sent to one person on one day, so a re-run sends it again never."""

    class Kind(models.TextChoices):
        OWNER_DIGEST = "owner_digest", "Owner's digest"
        LEADER_SUMMARY = "leader_summary", "Leader's summary"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on", "recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "sent_on"],
                name="reminder_once_a_day",
                violation_error_message="This reminder was already sent to this person today.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} on {self.sent_on}"
