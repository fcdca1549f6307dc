"""What Ofsted said: local authorities, their inspections, grades and findings."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .clocks import PlanClock, plan_clock
from .register import NameIndex


class LocalAuthorityQuerySet(models.QuerySet["LocalAuthority"]):
    def administered_by(self, user) -> "LocalAuthorityQuerySet":
        """The authorities whose records a staff user may see and change in the admin:
        every one for an active superuser, their own for other active staff."""
        if user.is_active and user.is_superuser:
            return self.all()
        if not (user.is_active and user.is_staff):
            return self.none()
        return self.filter(members=user)

    def resolve(self, name: str) -> "LocalAuthority":
        """The authority a report's name means, by the register's rules (`inspections.register`).

        Raises AuthorityNotFound, naming the name, when no authority (or more than
        one) answers to it: a report never creates an authority by itself.
        """
        rows = self.values_list("pk", "name", "also_known_as")
        pk = NameIndex((pk, name, list(aka or [])) for pk, name, aka in rows).find(name)
        return self.get(pk=pk)

    def get_by_natural_key(self, slug: str) -> "LocalAuthority":
        return self.get(slug=slug)


class LocalAuthority(models.Model):
    """An English local authority whose children's services Ofsted inspects.

    The register (`inspections/data/local_authorities.csv`, loaded by a migration)
    makes one per authority; fixtures refer to them by slug, their natural key.
    """

    name = models.CharField(max_length=100, help_text="Short name as in Ofsted titles.")
    slug = models.SlugField(max_length=100, unique=True)
    code = models.CharField(
        "LA code", max_length=3, blank=True, help_text="Three-digit DfE local authority code."
    )
    ons_code = models.CharField(
        "ONS code", max_length=9, blank=True, help_text="Nine-character ONS code, e.g. E06000002."
    )
    urn = models.CharField("URN", max_length=10, blank=True, help_text="Ofsted's URN.")
    ons_name = models.CharField("ONS name", max_length=100, blank=True)
    region = models.CharField(max_length=50, blank=True)
    la_type = models.CharField(
        "type", max_length=30, blank=True, help_text="County, unitary, metropolitan, London."
    )
    statistical_neighbours = models.JSONField(
        default=list, blank=True, help_text="The LA codes of its ten statistical neighbours."
    )
    also_known_as = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names reports print: council and former names, trusts.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="authorities",
        help_text="People who work on this authority's improvement plan and may see it.",
    )

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="authority_name_unique",
                violation_error_message="A local authority with this name already exists.",
            ),
            models.UniqueConstraint(
                fields=["ons_code"],
                condition=~Q(ons_code=""),
                name="authority_ons_code_unique",
                violation_error_message="A local authority with this ONS code already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def neighbours(self) -> "LocalAuthorityQuerySet":
        """Its statistical neighbours that are in the database (order not kept)."""
        return LocalAuthority.objects.filter(code__in=self.statistical_neighbours)


class Grade(models.TextChoices):
    """Ofsted's four-point scale, best first; "Adequate" is the pre-2013 scale's third point."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class JudgementArea(models.TextChoices):
    """The areas Ofsted grades.

    ILACS: 2018-22 inspections graded children in care and care leavers together;
    from 2023 they are graded apart. Overall effectiveness is graded until April
    2026. The single inspection framework (2013-18) graded children looked after,
    adoption and the LSCB as well. Reports before 2013 grade rows of a "Record of
    main findings" that map to no area: those are "other", and the row's own words
    are kept in `Judgement.area_label`.
    """

    OVERALL = "overall", "Overall effectiveness"
    LEADERSHIP = (
        "leadership",
        "The impact of leaders on social work practice with children and families",
    )
    HELP_AND_PROTECTION = (
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
    )
    IN_CARE_AND_CARE_LEAVERS = (
        "in_care_and_care_leavers",
        "The experiences and progress of children in care and care leavers",
    )
    IN_CARE = "in_care", "The experiences and progress of children in care"
    CARE_LEAVERS = "care_leavers", "The experiences and progress of care leavers"
    LOOKED_AFTER = "looked_after", "Children looked after and achieving permanence"
    ADOPTION = "adoption", "Adoption performance"
    LSCB = "lscb", "Local Safeguarding Children Board"
    OTHER = "other", "Other (a row of a pre-2013 record of main findings)"


class InspectionQuerySet(models.QuerySet):
    def latest_first(self) -> "InspectionQuerySet":
        return self.order_by(F("start_date").desc(nulls_last=True), "-pk")


class Inspection(models.Model):
    """One Ofsted inspection or visit of a local authority's children's services."""

    class Kind(models.TextChoices):
        STANDARD = "standard", "Standard inspection"
        SHORT = "short", "Short inspection"
        FOCUSED_VISIT = "focused_visit", "Focused visit"
        MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
        JTAI = "jtai", "Joint targeted area inspection"
        SIF = "sif", "Single inspection framework"  # 2013-18, re-inspections included
        OTHER = "other", "Other (framework before 2013)"

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    start_date = models.DateField(
        null=True, blank=True, help_text="First day on site; empty when the source does not say."
    )
    end_date = models.DateField(null=True, blank=True, help_text="Last day on site.")
    published_date = models.DateField(null=True, blank=True)
    lead_inspector = models.CharField(max_length=100, blank=True)
    source_url = models.URLField("source URL", max_length=500, blank=True)
    summary = models.TextField(blank=True)
    # The statutory clock for the council's action plan (see inspections.clocks).
    report_received_date = models.DateField(
        null=True, blank=True, help_text="When the council received the final report."
    )
    priority_actions = models.BooleanField(
        default=False,
        help_text="A focused visit that named priority actions (a draft plan is due).",
    )
    plan_submitted_date = models.DateField(
        null=True, blank=True, help_text="When the council sent Ofsted its action plan."
    )
    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()
    # Read by django-simple-history as the reason for the next history row.
    _change_reason: str

    class Meta:
        ordering = ["authority__name", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "start_date"],
                name="inspection_unique_per_start",
                violation_error_message=(
                    "This authority already has an inspection of this type starting that day."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="inspection_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority.name}: {self.describe(self.kind, self.start_date)}"

    def get_absolute_url(self) -> str:
        return reverse("admin:inspections_inspection_change", args=[self.pk])

    @staticmethod
    def describe(kind: str, start_date: date | None) -> str:
        """How an inspection is named in lists: "Focused visit, March 2024"."""
        when = f"{start_date:%B %Y}" if start_date else "date not known"
        return f"{Inspection.kind_label(kind)}, {when}"

    @staticmethod
    def kind_label(kind: str) -> str:
        """The kind's label, as get_kind_display gives it (the value itself if unknown)."""
        return dict(Inspection.Kind.choices).get(kind, kind)

    def plan_clock(self, today: date | None = None) -> PlanClock | None:
        """When the action plan is due after this inspection, if one is."""
        return plan_clock(
            kind=self.kind,
            received=self.report_received_date,
            priority_actions=self.priority_actions,
            submitted=self.plan_submitted_date,
            today=today or timezone.localdate(),
        )


class Judgement(models.Model):
    """The grade Ofsted gave one area in one inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=30, choices=JudgementArea.choices)
    area_label = models.CharField(
        "area as printed",
        max_length=300,
        blank=True,
        help_text="The judgement table's words for the area; empty means the area's name.",
    )
    grade = models.CharField(max_length=30, choices=Grade.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "area"],
                condition=~Q(area="other"),
                name="judgement_one_per_area",
                violation_error_message="This inspection already has a judgement for this area.",
            ),
            models.UniqueConstraint(
                fields=["inspection", "area_label"],
                condition=~Q(area_label=""),
                name="judgement_one_per_label",
                violation_error_message="This inspection already has a judgement with this label.",
            ),
            models.CheckConstraint(
                condition=~Q(area="other") | ~Q(area_label=""),
                name="judgement_other_has_label",
                violation_error_message="An “other” judgement needs its area as printed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_name}: {self.get_grade_display()}"

    @property
    def area_name(self) -> str:
        """The area as the report printed it, or its standard name."""
        return self.area_label or self.get_area_display()


class ReportParagraph(models.Model):
    """A numbered paragraph of an inspection report, kept verbatim as evidence."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=200, blank=True, help_text="Heading it falls under.")
    text = models.TextField()

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"],
                name="paragraph_number_unique",
                violation_error_message="This report already has a paragraph with this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"Paragraph {self.number}"


class Theme(models.Model):
    """A subject findings are grouped by, so that recurring concerns show up."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="theme_name_unique",
                violation_error_message="A theme with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """A finding: one thing Ofsted said needs to improve, in the inspectors' words.

    The report lists these under "What needs to improve" (its "recommendations");
    people and code alike call each one a finding.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    order = models.PositiveSmallIntegerField(help_text="Position in the report's list.")
    text = models.TextField(help_text="Verbatim, as the report prints it.")
    judgement_area = models.CharField(max_length=30, choices=JudgementArea.choices, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    paragraphs = models.ManyToManyField(
        ReportParagraph,
        blank=True,
        related_name="findings",
        help_text="Report paragraphs that evidence this finding.",
    )
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["inspection", "order"]
        verbose_name = "finding"
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "order"],
                name="recommendation_order_unique",
                violation_error_message="This inspection already has a finding at this position.",
            ),
        ]

    def __str__(self) -> str:
        short = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        year = f"{self.inspection.start_date:%Y}" if self.inspection.start_date else "undated"
        return f"{year} #{self.order}: {short}"


class ThemeRule(models.Model):
    """A phrase that puts a finding under a theme when an imported report's text contains it.

    Admins edit these; the report importer applies them to new findings, and
    links each finding to the report paragraphs that mention its themes.
    """

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="rules")
    phrase = models.CharField(
        max_length=100, help_text="Matched anywhere in the text, ignoring case."
    )

    class Meta:
        ordering = ["theme__name", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "phrase"],
                name="theme_rule_unique",
                violation_error_message="This theme already has this phrase.",
            ),
        ]

    def __str__(self) -> str:
        return f"“{self.phrase}” → {self.theme}"

    def matches(self, text: str) -> bool:
        return self.phrase.lower() in text.lower()
