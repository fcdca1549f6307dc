"""Actions, their progress updates and evidence, and the rules that keep them in their authority."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Prefetch, Q, When
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from inspections.models import Finding

from .. import rules
from ..access import (
    authorities_visible_to,
    can_lead,
    can_update,
    has_role,
    is_admin,
    plan_errors,
)
from ..choices import RAG, FindingState, Role, Status, UpdateKind
from ..uploads import validate_evidence_file


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
    def visible_to(self, user) -> "ActionQuerySet":
        """Actions of the authorities the user works for; admins see every authority."""
        if is_admin(user):
            return self
        return self.filter(authority__in=authorities_visible_to(user))

    def updatable_by(self, user) -> "ActionQuerySet":
        """Leaders update any action of their authorities; managers theirs or their team's."""
        if is_admin(user):
            return self
        visible = self.visible_to(user)
        if has_role(user, Role.LEADER):
            return visible
        if has_role(user, Role.MANAGER):
            return visible.filter(Q(owner=user) | Q(team__members=user)).distinct()
        return self.none()

    def owned_by(self, user) -> "ActionQuerySet":
        """Actions the user owns, or that a team they belong to owns."""
        return self.filter(Q(owner=user) | Q(team__members=user)).distinct()

    def in_current_plan(self) -> "ActionQuerySet":
        """Actions for at least one open finding (one no leader has closed or superseded)."""
        open_finding = Q(findings__plan_state__isnull=True) | Q(
            findings__plan_state__state=FindingState.OPEN
        )
        return self.filter(pk__in=self.filter(open_finding).values("pk"))

    def open(self) -> "ActionQuerySet":
        return self.exclude(status=Status.COMPLETE)

    @staticmethod
    def overdue_q(today: date) -> Q:
        """SQL twin of rules.is_overdue."""
        return ~Q(status=Status.COMPLETE) & Q(due_date__lt=today)

    def overdue(self, today: date | None = None) -> "ActionQuerySet":
        return self.filter(self.overdue_q(today or timezone.localdate()))

    def due_by(self, last_day: date) -> "ActionQuerySet":
        """Open actions overdue or due on or before last_day."""
        return self.open().filter(due_date__lte=last_day)

    def due_within(self, days: int, today: date | None = None) -> "ActionQuerySet":
        """SQL twin of rules.is_due_within."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__gte=today, due_date__lte=today + timedelta(days=days))

    def overdue_first(self, today: date | None = None) -> "ActionQuerySet":
        """Overdue actions first, then by due date."""
        flag = Case(When(self.overdue_q(today or timezone.localdate()), then=0), default=1)
        return self.annotate(overdue_first=flag).order_by("overdue_first", "due_date", "pk")

    def for_list(self) -> "ActionQuerySet":
        """Everything a list of actions shows, in a fixed number of queries."""
        return (
            self.select_related("authority", "owner", "team")
            .prefetch_related(
                Prefetch("findings", queryset=Finding.objects.select_related("inspection"))
            )
            .order_by("due_date", "pk")
        )

    def for_export(self) -> "ActionQuerySet":
        """The actions in a download's order; selectors.export_actions reads them."""
        return self.order_by("due_date", "pk")


_UNKNOWN = object()


class Action(models.Model):
    """A step in the improvement plan, addressing one or more Ofsted findings."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    # The plan belongs to one council; its findings come from that council's inspections.
    authority = models.ForeignKey(
        "inspections.LocalAuthority", on_delete=models.PROTECT, related_name="actions"
    )
    findings = models.ManyToManyField(Finding, related_name="actions")
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
    rag_override = models.CharField(
        "RAG override",
        max_length=10,
        choices=RAG.choices,
        blank=True,
        help_text="Set by a leader when the computed RAG does not tell the whole story.",
    )
    rag_override_reason = models.TextField("reason for the RAG override", blank=True)
    # Bumped on every save, so that a form opened on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    last_update_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When progress was last recorded."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[findings])

    objects = ActionQuerySet.as_manager()
    # Read by django-simple-history as the reason for the next history row.
    _change_reason: str

    class Meta:
        ordering = ["due_date", "pk"]
        # The lists sort by due date (then pk, so pages are stable): each index
        # below lets PostgreSQL read a page of a list in order, and stop, rather
        # than sort every matching action. One authority's few hundred actions
        # come through the authority's own index and sort in well under 1 ms.
        indexes = [
            # The whole plan (admins, national views) and the admin's list.
            models.Index(fields=["due_date", "id"], name="action_due_idx"),
            # The status filter.
            models.Index(fields=["status", "due_date", "id"], name="action_status_due_idx"),
            # Open actions: overdue, due within n days, reminders.
            models.Index(
                fields=["due_date", "id"],
                condition=~Q(status=Status.COMPLETE),
                name="action_open_due_idx",
            ),
        ]
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
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(rag_override_reason=""),
                name="action_rag_override_has_reason",
                violation_error_message="Give a reason for overriding the RAG rating.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # The owner rule holds for every writer, not only forms that call clean().
        self.clean()
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)
        self._stored_owner_id = self.owner_id

    def get_absolute_url(self) -> str:
        return reverse("improvement:action_detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        action = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # The owner as stored: a save that keeps it changes the plan's progress only,
        # not the dashboard's list of owners (improvement/signals.py).
        action._stored_owner_id = action.__dict__.get("owner_id", _UNKNOWN)
        return action

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using, fields, from_queryset)
        if fields is None or {"owner", "owner_id"} & set(fields):
            self._stored_owner_id = self.__dict__.get("owner_id", _UNKNOWN)

    def keeps_stored_owner(self) -> bool:
        """True if this action, as loaded, has the owner it had when read from the
        database (False if that is not known)."""
        stored = getattr(self, "_stored_owner_id", _UNKNOWN)
        return stored is not _UNKNOWN and self.__dict__.get("owner_id", _UNKNOWN) == stored

    def clean(self) -> None:
        if self.authority_id and self.owner_id:
            errors = plan_errors(authority=self.authority, owner=self.owner)
            if errors:
                raise ValidationError(errors)

    @property
    def rag(self) -> str:
        """The RAG shown everywhere: a leader's override if set, else the computed one.

        Remembered against the fields it was worked out from, so a page that asks
        many times (the dashboard: counts, roll-ups, needs attention) works it out
        once, and a changed field works it out again. An instance lives for one
        request, so the day it was worked out on is the day it is shown.
        """
        inputs = tuple(getattr(self, f) for f in rules.RAG_FIELDS)
        remembered = self.__dict__.get("_rag")
        if remembered is None or remembered[0] != inputs:
            remembered = (inputs, rules.shown_rag(self.rag_override, self.computed_rag()))
            self.__dict__["_rag"] = remembered
        return remembered[1]

    def get_rag_display(self) -> str:
        return RAG(self.rag).label

    def computed_rag(self, today: date | None = None) -> str:
        """The RAG rule: see rules.computed_rag."""
        return rules.computed_rag(self, today or timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        return rules.is_overdue(self.status, self.due_date, timezone.localdate())

    def set_status(self, status: str, today: date) -> None:
        """A new status, with the completed date that goes with it."""
        self.status = status
        self.completed_date = rules.completed_date_for(status, self.completed_date, today)

    def can_update(self, user) -> bool:
        return can_update(user, self)

    def can_lead(self, user) -> bool:
        """Leaders of this action's authority may accept evidence and override the RAG."""
        return can_lead(user, self.authority)


class ProgressUpdate(models.Model):
    """One recorded step in an action's progress. Append-only: never edited or deleted."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField()
    status_before = models.CharField(max_length=20, choices=Status.choices)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    kind = models.CharField(max_length=20, choices=UpdateKind.choices, default=UpdateKind.PROGRESS)
    note = models.TextField()
    due_date_before = models.DateField(null=True, blank=True)
    due_date_after = models.DateField(null=True, blank=True)
    due_date_reason = models.TextField(
        blank=True, help_text="Why the due date moved; required when it does."
    )

    class Meta:
        ordering = ["action", "created_at", "pk"]
        indexes = [
            # Newest first across every action: the admin's list, walked rather than sorted.
            models.Index(fields=["created_at", "id"], name="update_created_idx"),
        ]
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
    file = models.FileField(
        upload_to="evidence/%Y/%m/",
        blank=True,
        max_length=300,
        validators=[validate_evidence_file],
    )
    url = models.URLField("link", max_length=500, blank=True)
    description = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_added"
    )
    added_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_accepted",
        help_text="The leader who accepted this as evidence the action worked.",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_returned",
        help_text="The leader who sent this back to be improved, with a comment.",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "added_at", "pk"]
        verbose_name_plural = "evidence"
        indexes = [
            # Newest first: the admin's list, walked rather than sorted.
            models.Index(fields=["added_at", "id"], name="evidence_added_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="evidence_has_file_or_link",
                violation_error_message="Evidence needs a file or a link.",
            ),
            models.CheckConstraint(
                condition=Q(accepted_by__isnull=True, accepted_at__isnull=True)
                | Q(accepted_by__isnull=False, accepted_at__isnull=False),
                name="evidence_acceptance_complete",
                violation_error_message="Acceptance needs both who accepted and when.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def review_state(self) -> str:
        """accepted, returned or waiting: where a leader's review of it stands."""
        if self.accepted_at:
            return "accepted"
        if self.returned_at:
            return "returned"
        return "waiting"


@receiver(m2m_changed, sender=Action.findings.through)
def _findings_stay_in_their_authority(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Refuse, for every writer, a link between an action and another authority's finding."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # finding.actions.add(...): instance is the finding
        others = Action.objects.filter(pk__in=pk_set).exclude(
            authority_id=instance.inspection.authority_id
        )
        if others.exists():
            raise ValidationError(
                {"findings": f"Actions of another authority cannot be linked to “{instance}”."}
            )
        return
    findings = Finding.objects.filter(pk__in=pk_set).select_related("inspection__authority")
    errors = plan_errors(authority=instance.authority, findings=findings)
    if errors:
        raise ValidationError(errors)
