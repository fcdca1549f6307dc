import base64
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, re_path
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

from inspections.admin_scoping import AuthorityScopedAdmin as BaseScopedAdmin

from .access import authorities_administered_by, plan_errors
from .bulk import (
    BULK_COLUMNS,
    SIGNED_OFF_ONLY,
    actions_for_import,
    apply_import,
    parse_actions,
)
from .choices import ExportKind
from .models import (
    Action,
    BoardReport,
    Evidence,
    ExportJob,
    Measure,
    MeasureTarget,
    MeasureValue,
    ProgressUpdate,
    ReminderSent,
    Status,
    Team,
)
from .services import ActionChanged, lock_action
from .tables import export_name, table_response
from .text import plain_text
from .views.exports import export_response

SESSION_KEY = "action_import"
IMPORT_MAX_BYTES = 5 * 1024 * 1024


class LargeTablePaginator(Paginator):
    """Pages of a table of hundreds of thousands of rows, without reading them all.

    Unfiltered, the count is PostgreSQL's estimate (`pg_class.reltuples`, kept
    by ANALYZE and autovacuum) rather than a COUNT(*) of every row on every
    page; filtered, or small, or on another database, it is counted exactly.
    The estimate may be a little out, so the last page can be short or empty.
    A deep page fetches its rows' keys first, which an index in the list's
    order answers on its own, then only those rows: an OFFSET of 400,000 full
    rows would read every one of them.
    """

    EXACT_BELOW = 10_000
    KEYS_FIRST_FROM = 1_000

    @cached_property
    def count(self) -> int:
        estimate = _estimated_rows(self.object_list)
        if estimate is None or estimate < self.EXACT_BELOW:
            return super().count
        return estimate

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.KEYS_FIRST_FROM:
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        rows = cast(QuerySet, self.object_list)
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        return Page(rows.filter(pk__in=keys), number, self)


def _estimated_rows(queryset) -> int | None:
    """The planner's row count for an unfiltered queryset's table, if it has one."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where or queryset.query.distinct:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    # -1 (or nothing) until the table is first analysed.
    return int(row[0]) if row and row[0] >= 0 else None


class PresentRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """RelatedOnlyFieldListFilter, asking each choice whether it has a row in the list.

    Django's collects the distinct value of every row: a scan of the whole
    table (7.5 ms for 100,000 actions). For a foreign key of the listed table,
    an EXISTS per choice is answered from that key's index (0.4 ms). Through a
    further join (evidence's authority) PostgreSQL scans either way.
    """

    def field_choices(self, field, request, model_admin):
        rows = model_admin.get_queryset(request).filter(**{self.field_path: OuterRef("pk")})
        return field.get_choices(
            include_blank=False,
            limit_choices_to=Q(Exists(rows)),
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class LargeTableAdmin(admin.ModelAdmin):
    """A changelist for a table that grows with every authority's plan."""

    paginator = LargeTablePaginator
    show_full_result_count = False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description="Members", ordering="_members")
    def member_count(self, obj: Team) -> int:
        return obj._members  # type: ignore[attr-defined]  # annotated in get_queryset


class ProgressUpdateInline(admin.TabularInline):
    """Shows an action's history; updates are written in the app and never edited here."""

    model = ProgressUpdate
    extra = 0
    fields = ("created_at", "author", "status_before", "status_after", "note", "due_date_after")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["title", "kind", "file", "url", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # Added through the evidence page so that the uploader and time are recorded.
        return False


class AuthorityScopedAdmin(BaseScopedAdmin):
    """Scoped as the inspections admin is (`inspections.admin_scoping`), knowing actions too."""

    scoped_models: ClassVar[dict[Any, str]] = {
        **BaseScopedAdmin.scoped_models,
        Action: "authority",
        Measure: "authority",
    }


class ActionAdminForm(forms.ModelForm):
    """The admin's action form: refused if the action changed since it was opened.

    It also keeps the action's owner and findings within its authority.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "authority",
            "title",
            "description",
            "findings",
            "success_measure",
            "owner",
            "team",
            "partner_agency",
            "priority",
            "status",
            "start_date",
            "original_due_date",
            "due_date",
            "completed_date",
            "rag_override",
            "rag_override_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for name in ("title", "description", "partner_agency", "success_measure"):
            if isinstance(data.get(name), str):
                data[name] = plain_text(data[name])
                setattr(self.instance, name, data[name])
        if data.get("authority"):
            problems = plan_errors(authority=data["authority"], findings=data.get("findings") or ())
            for name, message in problems.items():
                self.add_error(name, message)
        if self.instance.pk:
            # The admin saves inside a transaction: the lock holds until the save.
            try:
                current = lock_action(self.instance.pk, data.get("seen_version") or 0)
            except ActionChanged as exc:
                changed = "; ".join(f"{c.label}: {c.before} → {c.after}" for c in exc.changes)
                raise forms.ValidationError(
                    "Someone changed this action after you opened this page"
                    + (f" ({changed})" if changed else "")
                    + ". Nothing was saved: reload the page to see the action as it is now."
                ) from exc
            was = current.status
        else:
            was = None
        if data.get("status") == Status.COMPLETE and was != Status.COMPLETE:
            self.add_error("status", SIGNED_OFF_ONLY[0].upper() + SIGNED_OFF_ONLY[1:] + ".")
        return data


@admin.register(Action)
class ActionAdmin(AuthorityScopedAdmin, LargeTableAdmin, SimpleHistoryAdmin):
    list_display = ["title", "authority", "owner", "team", "status", "due_date", "overdue", "rag"]
    list_filter = ["status", "priority", ("authority", PresentRelatedFilter), "team"]
    search_fields = ["title", "description", "findings__text", "owner__username"]
    autocomplete_fields = ["authority", "findings", "owner", "team"]
    list_select_related = ["authority", "owner", "team"]
    date_hierarchy = "due_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ProgressUpdateInline, EvidenceInline]
    form = ActionAdminForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "authority",
                    "title",
                    "description",
                    "findings",
                    "success_measure",
                    "seen_version",
                ]
            },
        ),
        ("Ownership", {"fields": ["owner", "team", "partner_agency", "priority"]}),
        (
            "Dates and status",
            {
                "fields": [
                    "status",
                    "start_date",
                    "original_due_date",
                    "due_date",
                    "completed_date",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
        ("RAG override", {"fields": ["rag_override", "rag_override_reason"]}),
    ]

    actions = ["export_csv", "export_xlsx"]

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="improvement_action_import",
            ),
            re_path(
                r"^export\.(?P<fmt>csv|xlsx)$",
                self.admin_site.admin_view(self.export_view),
                name="improvement_action_export",
            ),
        ]
        return own + super().get_urls()

    def _export(self, queryset, fmt: str) -> HttpResponse | StreamingHttpResponse:
        name = export_name(ExportKind.ACTIONS_FOR_IMPORT.value)
        return table_response(name, BULK_COLUMNS, actions_for_import(queryset), fmt)

    @admin.action(description="Export selected actions as CSV")
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description="Export selected actions as Excel")
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    def export_view(self, request, fmt: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Everything the person administers: written in the background when large.
        return export_response(request, ExportKind.ACTIONS_FOR_IMPORT, fmt)

    def import_view(self, request):
        """Upload, preview every row, then confirm. Nothing is written before the confirm."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        authorities = authorities_administered_by(request.user)
        if request.method == "POST" and "confirm" in request.POST:
            pending = request.session.get(SESSION_KEY)
            if not pending:
                messages.error(request, "The upload has expired. Upload the file again.")
                return redirect("admin:improvement_action_import")
            data = base64.b64decode(pending["data"])
            result = parse_actions(data, pending["name"], authorities=authorities)
            result.refuse_if_changed_since(pending["versions"])
            if result.is_valid:
                try:
                    counts = apply_import(result)
                except ActionChanged as exc:
                    result.file_errors.append(
                        f"Action {exc.current.pk} changed while the import was being written. "
                        "Nothing was written: upload the file again."
                    )
                else:
                    del request.session[SESSION_KEY]
                    messages.success(
                        request,
                        f"Imported: {counts['created']} created, {counts['updated']} updated, "
                        f"{counts['unchanged']} unchanged.",
                    )
                    return redirect("admin:improvement_action_changelist")
            context.update(result=result, name=pending["name"])
        elif request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                context["upload_error"] = "Choose a CSV or Excel file to upload."
            elif upload.size is None or upload.size > IMPORT_MAX_BYTES:
                context["upload_error"] = "The file must be smaller than 5 MB."
            else:
                data = upload.read()
                result = parse_actions(data, upload.name or "", authorities=authorities)
                context.update(result=result, name=upload.name)
                if result.is_valid:
                    # Kept server-side in the session, and checked again on confirm,
                    # with the version of each action the preview showed.
                    request.session[SESSION_KEY] = {
                        "name": upload.name,
                        "data": base64.b64encode(data).decode(),
                        "versions": result.versions,
                    }
        return TemplateResponse(request, "admin/improvement/action/import.html", context)

    @admin.display(description="RAG")
    def rag(self, obj: Action) -> str:
        return obj.get_rag_display()

    @admin.display(boolean=True, description="Overdue")
    def overdue(self, obj: Action) -> bool:
        return obj.is_overdue


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the app writes itself; admins may look, not change."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(AuthorityScopedAdmin, LargeTableAdmin, ReadOnlyAdmin):
    """Read-only: updates are written through the record-progress page and never changed."""

    authority_path = "action__authority"
    list_display = ["action", "author", "created_at", "status_before", "status_after"]
    list_filter = ["status_after", "action__team", "created_at"]
    search_fields = ["note", "action__title", "author__username"]
    list_select_related = ["action", "author"]
    # Newest first, in the order of an index (the model's ordering goes through the action).
    # No date_hierarchy: its list of years reads every row; the date filter reads none.
    ordering = ["-created_at", "-pk"]


@admin.register(Evidence)
class EvidenceAdmin(AuthorityScopedAdmin, LargeTableAdmin, SimpleHistoryAdmin):
    authority_path = "action__authority"
    list_display = ["title", "action", "kind", "added_by", "added_at"]
    list_filter = [
        "kind",
        ("action__authority", admin.RelatedOnlyFieldListFilter),
        "action__team",
        "added_at",
    ]
    search_fields = ["title", "description", "action__title"]
    autocomplete_fields = ["action"]
    list_select_related = ["action", "added_by"]
    # Newest first, in the order of an index (the model's ordering goes through the action).
    # No date_hierarchy: its list of years reads every row; the date filter reads none.
    ordering = ["-added_at", "-pk"]
    readonly_fields = ["added_by", "added_at", "accepted_by", "accepted_at"]

    def save_model(self, request, obj: Evidence, form, change: bool) -> None:
        if not change:
            obj.added_by = request.user
            obj.added_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(BoardReport)
class BoardReportAdmin(AuthorityScopedAdmin, ReadOnlyAdmin):
    list_display = ["title", "authority", "period_start", "period_end", "created_by", "created_at"]
    list_filter = [("authority", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["authority", "created_by"]
    exclude = ["data"]


@admin.register(ReminderSent)
class ReminderSentAdmin(AuthorityScopedAdmin, ReadOnlyAdmin):
    authority_path = "recipient__authorities"

    list_display = ["recipient", "kind", "sent_on", "sent_at"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["recipient__username", "recipient__email"]
    list_select_related = ["recipient"]


class MeasureTargetInline(admin.TabularInline):
    model = MeasureTarget
    extra = 0


class MeasureValueInline(admin.TabularInline):
    """A measure's values, read-only: they are entered in the app and only ever corrected."""

    model = MeasureValue
    extra = 0
    fk_name = "measure"
    fields = ("period", "value", "england_average", "neighbours_average", "note", "corrects")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Measure)
class MeasureAdmin(AuthorityScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "authority", "owner", "unit", "frequency", "target", "target_date"]
    list_filter = [("authority", admin.RelatedOnlyFieldListFilter), "frequency", "unit"]
    search_fields = ["name", "definition"]
    autocomplete_fields = ["authority", "owner", "findings", "actions"]
    list_select_related = ["authority", "owner"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MeasureTargetInline, MeasureValueInline]


@admin.register(MeasureValue)
class MeasureValueAdmin(AuthorityScopedAdmin, ReadOnlyAdmin):
    """Read-only: values are entered on the measures' pages or imported, never changed."""

    authority_path = "measure__authority"
    list_display = ["measure", "period", "value", "via", "entered_by", "entered_at"]
    list_filter = ["via", ("measure__authority", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["measure__name", "note"]
    list_select_related = ["measure", "entered_by"]
    date_hierarchy = "entered_at"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Downloads written in the background: who asked, how it went, why one failed.

    Superusers only: a job names the filters and authorities of someone's export.
    The file itself is only ever sent to the person who asked (views.exports)."""

    list_display = ["filename", "requested_by", "status", "row_count", "created_at", "finished_at"]
    list_filter = ["status", "kind", "fmt"]
    search_fields = ["requested_by__username", "filename"]
    list_select_related = ["requested_by"]
    exclude = ["file"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)
