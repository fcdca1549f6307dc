"""Where each finding stands in the plan, as a leader has said."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from inspections.models import Finding

from ..choices import FindingState


class FindingStateRecord(models.Model):
    """Where a finding stands in the plan, when a leader has said (no record: open)."""

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="plan_state")
    state = models.CharField(max_length=20, choices=FindingState.choices)
    superseded_by = models.ForeignKey(
        Finding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="The later finding that carries this one on.",
    )
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "finding's state"
        constraints = [
            models.CheckConstraint(
                condition=Q(state=FindingState.SUPERSEDED) | Q(superseded_by__isnull=True),
                name="finding_state_superseded_only_with_link",
                violation_error_message="Only a superseded finding links to a later one.",
            ),
            models.CheckConstraint(
                condition=~Q(state=FindingState.SUPERSEDED) | Q(superseded_by__isnull=False),
                name="finding_state_superseded_has_link",
                violation_error_message="Say which later finding supersedes it.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="finding_state_has_reason",
                violation_error_message="Give a reason for the finding's state.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding}: {self.get_state_display()}"
