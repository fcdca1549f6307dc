"""What the council does about it: actions, their progress and evidence."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from inspections.models import Recommendation


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    COMPLETE = "complete", "Complete"


class Team(models.Model):
    """A service team; its members may update the actions it owns."""

    name = models.CharField(max_length=100)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="team_name_unique",
                violation_error_message="A team with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActionQuerySet(models.QuerySet):
    def open(self) -> "ActionQuerySet":
        return self.exclude(status=Status.COMPLETE)

    def overdue(self, today: date | None = None) -> "ActionQuerySet":
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


class Action(models.Model):
    """A step in the improvement plan, addressing one or more Ofsted findings."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    findings = models.ManyToManyField(Recommendation, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    partner_agency = models.CharField(max_length=100, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(
        null=True, blank=True, help_text="The due date first agreed; never moved."
    )
    due_date = models.DateField(
        "current due date", null=True, blank=True, help_text="Moved only with a reason."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_date = models.DateField(null=True, blank=True)
    success_measure = models.TextField(blank=True, help_text="How we will know it worked.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[findings])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.COMPLETE) | Q(completed_date__isnull=False),
                name="action_complete_has_date",
                violation_error_message="A complete action needs a completed date.",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.COMPLETE) | Q(completed_date__isnull=True),
                name="action_open_has_no_completed_date",
                violation_error_message="Only a complete action can have a completed date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != Status.COMPLETE
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class ProgressUpdate(models.Model):
    """One recorded step in an action's progress. Append-only: never edited or deleted."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(db_index=True)
    status_before = models.CharField(max_length=20, choices=Status.choices)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField()
    due_date_before = models.DateField(null=True, blank=True)
    due_date_after = models.DateField(null=True, blank=True)
    due_date_reason = models.TextField(
        blank=True, help_text="Why the due date moved; required when it does."
    )

    class Meta:
        ordering = ["action", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="update_has_note",
                violation_error_message="A progress update needs a note.",
            ),
            models.CheckConstraint(
                condition=~Q(due_date_reason="")
                | Q(due_date_before__isnull=True, due_date_after__isnull=True)
                | Q(due_date_before=F("due_date_after")),
                name="update_due_date_move_has_reason",
                violation_error_message="Give a reason for moving the due date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_status_after_display()} ({self.created_at:%d %b %Y})"

    def save(self, *args, **kwargs) -> None:
        # loaddata bypasses save(), so fixtures still load.
        if not self._state.adding:
            raise ValidationError("Progress updates cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Progress updates cannot be deleted.")

    def clean(self) -> None:
        if self.due_date_changed and not self.due_date_reason.strip():
            raise ValidationError({"due_date_reason": "Give a reason for moving the due date."})

    @property
    def due_date_changed(self) -> bool:
        return self.due_date_before != self.due_date_after


class Evidence(models.Model):
    """Something that shows an action made a difference: a file or a link."""

    class Kind(models.TextChoices):
        CASE_AUDIT = "case_audit", "Case audit"
        PERFORMANCE_DATA = "performance_data", "Performance data"
        DOCUMENT = "document", "Document"
        PRACTITIONER_FEEDBACK = "practitioner_feedback", "Practitioner feedback"
        CHILD_OR_FAMILY_VOICE = "child_or_family_voice", "Child or family voice"
        OTHER = "other", "Other"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True, max_length=300)
    url = models.URLField("link", max_length=500, blank=True)
    description = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_added"
    )
    added_at = models.DateTimeField(db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "added_at", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="evidence_has_file_or_link",
                violation_error_message="Evidence needs a file or a link.",
            ),
        ]

    def __str__(self) -> str:
        return self.title
