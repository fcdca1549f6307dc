from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from .importer import import_report_file
from .models import (
    Inspection,
    Judgement,
    LocalAuthority,
    Recommendation,
    ReportParagraph,
    Theme,
    ThemeRule,
)
from .report_parser import ReportError

REPORT_MAX_BYTES = 20 * 1024 * 1024


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "inspection_count"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_inspections=Count("inspections"))

    @admin.display(description="Inspections", ordering="_inspections")
    def inspection_count(self, obj: LocalAuthority) -> int:
        return obj._inspections


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["order", "text", "judgement_area", "themes"]
    autocomplete_fields = ["themes"]
    show_change_link = True


class ReportParagraphInline(admin.TabularInline):
    model = ReportParagraph
    extra = 0
    fields = ["number", "section", "text"]
    classes = ["collapse"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["authority", "kind", "start_date", "end_date", "lead_inspector", "findings"]
    list_filter = ["kind", "authority"]
    search_fields = ["authority__name", "lead_inspector", "summary"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["authority"]
    list_select_related = ["authority"]
    inlines = [JudgementInline, RecommendationInline, ReportParagraphInline]

    def get_urls(self):
        upload = path(
            "import-report/",
            self.admin_site.admin_view(self.import_report_view),
            name="inspections_inspection_import_report",
        )
        return [upload, *super().get_urls()]

    def import_report_view(self, request):
        """Upload a published report; show what was imported or exactly what was wrong."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                context["error"] = "Choose a report file (PDF or text) to upload."
            elif upload.size > REPORT_MAX_BYTES:
                context["error"] = "The file must be smaller than 20 MB."
            else:
                try:
                    context["summary"] = import_report_file(
                        upload.read(),
                        authority_name=request.POST.get("authority", "").strip(),
                        dry_run=bool(request.POST.get("dry_run")),
                    )
                except ReportError as exc:
                    context["error"] = f"{upload.name}: {exc} Nothing was imported."
        return TemplateResponse(request, "admin/inspections/inspection/import_report.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_findings=Count("recommendations"))

    @admin.display(description="Findings", ordering="_findings")
    def findings(self, obj: Inspection) -> int:
        return obj._findings


@admin.register(Judgement)
class JudgementAdmin(admin.ModelAdmin):
    list_display = ["inspection", "area", "grade"]
    list_filter = ["grade", "area", "inspection__authority"]
    search_fields = ["inspection__authority__name"]
    autocomplete_fields = ["inspection"]
    list_select_related = ["inspection__authority"]


@admin.register(ReportParagraph)
class ReportParagraphAdmin(admin.ModelAdmin):
    list_display = ["inspection", "number", "section"]
    list_filter = ["inspection__authority", "section"]
    search_fields = ["text", "section"]
    autocomplete_fields = ["inspection"]
    list_select_related = ["inspection__authority"]


class ThemeRuleInline(admin.TabularInline):
    model = ThemeRule
    extra = 1


@admin.register(ThemeRule)
class ThemeRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "theme"]
    list_filter = ["theme"]
    search_fields = ["phrase", "theme__name"]
    list_select_related = ["theme"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    inlines = [ThemeRuleInline]
    list_display = ["name", "slug", "finding_count"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_findings=Count("recommendations"))

    @admin.display(description="Findings", ordering="_findings")
    def finding_count(self, obj: Theme) -> int:
        return obj._findings


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "inspection", "order", "judgement_area"]
    list_filter = ["inspection__authority", "inspection__kind", "judgement_area", "themes"]
    search_fields = ["text", "inspection__authority__name"]
    autocomplete_fields = ["inspection", "themes", "paragraphs"]
    list_select_related = ["inspection__authority"]
