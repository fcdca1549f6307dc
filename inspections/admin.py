from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from .models import Inspection, Judgement, LocalAuthority, Recommendation, ReportParagraph, Theme


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


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
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
