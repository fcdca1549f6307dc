import secrets
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from .admin_scoping import AuthorityScopedAdmin
from .importer import ImportSummary, UnknownAuthority, import_parsed, resolve_authority
from .models import (
    Finding,
    Inspection,
    Judgement,
    LocalAuthority,
    ReportParagraph,
    Theme,
    ThemeRule,
)
from .report_parser import ReportError, extract_text, parse_report

REPORT_MAX_BYTES = 20 * 1024 * 1024
# The text of an uploaded report awaiting confirmation: kept server-side, in the session.
PENDING_KEY = "inspections_pending_report_import"


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(AuthorityScopedAdmin):
    authority_path = ""
    list_display = ["name", "code", "ons_code", "region", "la_type", "inspection_count"]
    list_filter = ["region", "la_type"]
    search_fields = ["name", "code", "ons_code", "ons_name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_inspections=Count("inspections"))

    @admin.display(description="Inspections", ordering="_inspections")
    def inspection_count(self, obj: LocalAuthority) -> int:
        return obj._inspections  # type: ignore[attr-defined]


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    fields = ["order", "text", "judgement_area", "themes"]
    autocomplete_fields = ["themes"]
    show_change_link = True


class ReportParagraphInline(admin.TabularInline):
    model = ReportParagraph
    extra = 0
    fields = ["number", "section", "text"]
    classes = ["collapse"]


class RegisterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name if obj.member_count else f"{obj.name} (no members yet)"


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label="Report (.pdf or .txt)",
        widget=forms.FileInput(attrs={"accept": ".pdf,.txt"}),
        error_messages={"required": "Choose a report file (PDF or text) to upload."},
    )
    authority = RegisterChoiceField(
        queryset=LocalAuthority.objects.annotate(member_count=Count("members")).order_by("name"),
        required=False,
        empty_label="The one the report names",
        label="Local authority",
    )
    dry_run = forms.BooleanField(
        required=False, label="Dry run: show what would change, write nothing"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            LocalAuthority.objects.administered_by(user)
            .annotate(member_count=Count("members"))
            .order_by("name")
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > REPORT_MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB.")
        return upload


@admin.register(Inspection)
class InspectionAdmin(AuthorityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["authority", "kind", "start_date", "end_date", "lead_inspector", "findings"]
    list_filter = ["kind", ("authority", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["authority__name", "lead_inspector", "summary"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["authority"]
    list_select_related = ["authority"]
    inlines = [JudgementInline, FindingInline, ReportParagraphInline]

    def get_urls(self):
        upload = path(
            "import-report/",
            self.admin_site.admin_view(self.import_report_view),
            name="inspections_inspection_import_report",
        )
        return [upload, *super().get_urls()]

    def import_report_view(self, request: HttpRequest) -> TemplateResponse:
        """Upload a published report; import it, or show what a re-import would change and
        write it only when confirmed. The upload's text waits server-side (the session),
        and is parsed and compared again on confirm."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": ReportUploadForm(user=request.user),
        }
        if request.method == "POST" and "confirm" in request.POST:
            pending = request.session.pop(PENDING_KEY, None)
            if not pending or pending["token"] != request.POST.get("confirm"):
                context["error"] = (
                    "This import has expired or was done already. Upload the file again."
                )
            else:
                self._import(request, context, pending["text"], pending, pending["fingerprint"])
        elif request.method == "POST":
            form = ReportUploadForm(request.POST, request.FILES, user=request.user)
            context["form"] = form
            if form.is_valid():
                upload = form.cleaned_data["file"]
                authority = form.cleaned_data["authority"]
                try:
                    text = extract_text(upload.read())
                except ReportError as exc:
                    context["error"] = f"{upload.name}: {exc} Nothing was imported."
                else:
                    job = {
                        "file": upload.name,
                        "authority": authority.name if authority else "",
                        "dry_run": form.cleaned_data["dry_run"],
                    }
                    self._import(request, context, text, job, None)
        return TemplateResponse(request, "admin/inspections/inspection/import_report.html", context)

    @staticmethod
    def _check_may_import(request: HttpRequest, authority_name: str) -> None:
        """A staff user who is not a superuser imports only their own authorities' reports."""
        try:
            authority = resolve_authority(authority_name)
        except UnknownAuthority:
            return  # the import refuses it, saying why
        if not LocalAuthority.objects.administered_by(request.user).filter(pk=authority.pk):
            raise ReportError(
                f"This report is about {authority}, which you do not administer: "
                "only an administrator of that authority can import it."
            )

    def _import(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        text: str,
        job: dict[str, Any],
        fingerprint: str | None,
    ) -> None:
        try:
            parsed = parse_report(text)
            self._check_may_import(request, job["authority"] or parsed.authority)
            summary: ImportSummary = import_parsed(
                parsed,
                source=job["file"],
                authority_name=job["authority"],
                dry_run=job["dry_run"],
                confirmed=fingerprint is not None,
                expected_changes=fingerprint,
            )
        except ReportError as exc:
            context["error"] = f"{job['file']}: {exc} Nothing was imported."
            return
        context["summary"] = summary
        if summary.needs_confirmation and not summary.dry_run:
            token = secrets.token_urlsafe(16)
            request.session[PENDING_KEY] = {
                **job,
                "text": text,
                "token": token,
                "fingerprint": summary.fingerprint,
            }
            context.update(confirm_token=token, changed_since=fingerprint is not None)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_findings=Count("findings"))

    @admin.display(description="Findings", ordering="_findings")
    def findings(self, obj: Inspection) -> int:
        return obj._findings  # type: ignore[attr-defined]


@admin.register(Judgement)
class JudgementAdmin(AuthorityScopedAdmin, SimpleHistoryAdmin):
    authority_path = "inspection__authority"
    list_display = ["inspection", "area", "area_label", "grade"]
    list_filter = ["grade", "area", ("inspection__authority", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["inspection__authority__name"]
    autocomplete_fields = ["inspection"]
    list_select_related = ["inspection__authority"]


@admin.register(ReportParagraph)
class ReportParagraphAdmin(AuthorityScopedAdmin):
    authority_path = "inspection__authority"
    list_display = ["inspection", "number", "section"]
    list_filter = [("inspection__authority", admin.RelatedOnlyFieldListFilter), "section"]
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
        return super().get_queryset(request).annotate(_findings=Count("findings"))

    @admin.display(description="Findings", ordering="_findings")
    def finding_count(self, obj: Theme) -> int:
        return obj._findings  # type: ignore[attr-defined]


@admin.register(Finding)
class FindingAdmin(AuthorityScopedAdmin, SimpleHistoryAdmin):
    authority_path = "inspection__authority"
    list_display = ["__str__", "inspection", "order", "judgement_area"]
    list_filter = [
        ("inspection__authority", admin.RelatedOnlyFieldListFilter),
        "inspection__kind",
        "judgement_area",
        "themes",
    ]
    search_fields = ["text", "inspection__authority__name"]
    autocomplete_fields = ["inspection", "themes", "paragraphs"]
    list_select_related = ["inspection__authority"]
