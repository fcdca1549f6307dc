"""Outcome measures: figures that show whether children's lives are improving.

A measure belongs to one authority's plan, evidences some of its findings and
actions, and gets one value per month or quarter. Values are append-only: a
correction is a new value that points at the one it corrects, so the history of
every figure a board saw is kept. The rating rule is in improvement.impact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from simple_history.models import HistoricalRecords

from inspections.models import Finding

from .. import impact
from ..access import authorities_visible_to, can_lead, has_role, is_admin, plan_errors
from ..choices import Direction, FindingState, Frequency, Role, Unit
from .actions import Action

FIGURE_LIMITS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("9999999999"))]


class MeasureQuerySet(models.QuerySet["Measure"]):
    def visible_to(self, user) -> MeasureQuerySet:
        """Measures of the authorities the user works for; admins see every authority."""
        if is_admin(user):
            return self
        return self.filter(authority__in=authorities_visible_to(user))

    def enterable_by(self, user) -> MeasureQuerySet:
        """Measures whose values the user may enter: leaders any of their authorities',
        managers the ones they own."""
        if is_admin(user):
            return self
        visible = self.visible_to(user)
        if has_role(user, Role.LEADER):
            return visible
        if has_role(user, Role.MANAGER):
            return visible.filter(owner=user)
        return self.none()

    def in_current_plan(self) -> MeasureQuerySet:
        """Measures of at least one open finding, or of none yet.

        As for actions (ActionQuerySet.in_current_plan), a measure leaves the plan
        when every finding it evidences has been closed or superseded; one not yet
        linked to a finding is still its authority's, so still tracked.
        """
        open_finding = Q(findings__plan_state__isnull=True) | Q(
            findings__plan_state__state=FindingState.OPEN
        )
        unlinked = Q(findings__isnull=True)
        return self.filter(pk__in=self.filter(open_finding | unlinked).values("pk"))

    def with_values(self) -> MeasureQuerySet:
        """Each measure with its current values (oldest first) and interim targets."""
        return self.select_related("owner").prefetch_related(
            Prefetch(
                "values",
                queryset=MeasureValue.objects.current().order_by("period"),
                to_attr="current_values",
            ),
            Prefetch("interim_targets", queryset=MeasureTarget.objects.order_by("date")),
        )


class Measure(models.Model):
    """A figure the council tracks to see whether what it does improves children's lives."""

    authority = models.ForeignKey(
        "inspections.LocalAuthority", on_delete=models.PROTECT, related_name="measures"
    )
    name = models.CharField(max_length=200)
    definition = models.TextField(
        help_text="What is counted: the numerator and denominator in words."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the figure comes from, such as a report."
    )
    unit = models.CharField(max_length=20, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    target = models.DecimalField(max_digits=12, decimal_places=2, validators=FIGURE_LIMITS)
    target_date = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_measures"
    )
    findings = models.ManyToManyField(Finding, blank=True, related_name="measures")
    actions = models.ManyToManyField(Action, blank=True, related_name="measures")
    # Bumped on every save, so that a form opened on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[findings, actions])

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "name"],
                name="measure_name_unique_in_authority",
                violation_error_message="This plan already has a measure with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.clean()
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("improvement:measure_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.authority_id and self.owner_id:
            errors |= plan_errors(authority=self.authority, owner=self.owner)
        problem = (
            self.unit
            and self.target is not None
            and impact.unit_errors(self.unit, Decimal(self.target))
        )
        if problem:
            errors["target"] = f"The target {problem}."
        if errors:
            raise ValidationError(errors)

    def can_enter_values(self, user) -> bool:
        return Measure.objects.enterable_by(user).filter(pk=self.pk).exists()

    def can_lead(self, user) -> bool:
        return can_lead(user, self.authority)

    def display(self, value: Decimal | None) -> str:
        return impact.display(value, self.unit)

    def period_label(self, start: dt.date) -> str:
        return impact.period_label(self.frequency, start)

    def points(self, values: list[MeasureValue]) -> list[impact.Point]:
        return [impact.Point(impact.period_end(self.frequency, v.period), v.value) for v in values]

    def rating(self) -> impact.Rating:
        """The rating of its latest value; needs `with_values()`."""
        return self.rating_of(self.current_values)  # type: ignore[attr-defined]

    def rating_of(self, values: list[MeasureValue]) -> impact.Rating:
        """The rating of the last of `values` (current values, oldest first)."""
        return impact.rate(
            direction=self.direction,
            unit=self.unit,
            values=self.points(values),
            target=impact.Point(self.target_date, self.target),
            interim=[
                impact.Point(t.date, t.value)
                for t in self.interim_targets.all()  # prefetched by with_values()
            ],
        )


class MeasureTarget(models.Model):
    """An interim target on the way to a measure's target."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="interim_targets")
    date = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2, validators=FIGURE_LIMITS)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "date"],
                name="measure_target_date_unique",
                violation_error_message="The measure already has a target on this date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} by {self.date:%d %b %Y}"


class MeasureValueQuerySet(models.QuerySet["MeasureValue"]):
    def current(self) -> MeasureValueQuerySet:
        """The value each period stands at: those no later value corrects."""
        return self.filter(corrected_by__isnull=True)


class MeasureValue(models.Model):
    """A measure's figure for one period. Append-only: a correction is a new value."""

    class Via(models.TextChoices):
        FORM = "form", "Entered in the browser"
        IMPORT = "import", "Imported from a spreadsheet"
        DEMO = "demo", "Illustrative demo figure"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    period = models.DateField(help_text="The first day of the month or quarter.")
    value = models.DecimalField(max_digits=12, decimal_places=2, validators=FIGURE_LIMITS)
    england_average = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=FIGURE_LIMITS
    )
    neighbours_average = models.DecimalField(
        "statistical neighbours' average",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=FIGURE_LIMITS,
    )
    note = models.TextField(blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        help_text="The value this one corrects; each value is corrected at most once.",
    )
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.FORM)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="measure_values"
    )
    entered_at = models.DateTimeField(db_index=True)

    objects = MeasureValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "period", "entered_at", "pk"]
        constraints = [
            # One first value per period; later ones correct it, one after another.
            models.UniqueConstraint(
                fields=["measure", "period"],
                condition=Q(corrects__isnull=True),
                name="measure_value_one_first_per_period",
                violation_error_message="This period already has a value: correct it instead.",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(note=""),
                name="measure_value_correction_has_note",
                violation_error_message="Say why the figure was corrected.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}, {self.measure.period_label(self.period)}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError("Values cannot be changed once written: correct them instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Values cannot be deleted: correct them instead.")


def _refuse_other_authority(instance, action: str, reverse: bool, pk_set, model) -> None:
    """Keep a measure's links within its authority, for every writer."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # finding.measures.add(...) or action.measures.add(...)
        authority_id = (
            instance.inspection.authority_id
            if isinstance(instance, Finding)
            else instance.authority_id
        )
        if Measure.objects.filter(pk__in=pk_set).exclude(authority_id=authority_id).exists():
            raise ValidationError(
                f"Measures of another authority cannot be linked to “{instance}”."
            )
        return
    if model is Finding:
        findings = Finding.objects.filter(pk__in=pk_set).select_related("inspection__authority")
        errors = plan_errors(authority=instance.authority, findings=findings)
        if errors:
            raise ValidationError(errors)
    elif Action.objects.filter(pk__in=pk_set).exclude(authority_id=instance.authority_id).exists():
        raise ValidationError(
            {
                "actions": f"Actions of another authority cannot be linked to a measure of "
                f"{instance.authority}."
            }
        )


@receiver(m2m_changed, sender=Measure.findings.through)
def _measure_findings_in_authority(sender, instance, action, reverse, pk_set, model, **kw) -> None:
    _refuse_other_authority(instance, action, reverse, pk_set, model)


@receiver(m2m_changed, sender=Measure.actions.through)
def _measure_actions_in_authority(sender, instance, action, reverse, pk_set, model, **kw) -> None:
    _refuse_other_authority(instance, action, reverse, pk_set, model)
