"""The leaders' dashboard, a finding's page and the findings download."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from inspections.models import LocalAuthority

from .. import charts, rules, selectors
from ..access import authorities_visible_to, can_lead, findings_visible_to
from ..choices import ExportKind, FindingStatus, Status
from ..filters import FindingFilter
from ..models import Evidence, FindingStateRecord
from .common import back_link, filter_summary, paginate, querystring_without
from .exports import export_response


def _chosen_authority(
    request: HttpRequest, authorities: QuerySet[LocalAuthority]
) -> LocalAuthority | None:
    slug = request.GET.get("authority")
    if slug:
        return get_object_or_404(authorities, slug=slug)
    return authorities.first()


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    authorities = authorities_visible_to(request.user)
    authority = _chosen_authority(request, authorities)
    if authority is None:
        return render(request, "improvement/dashboard_empty.html", status=200)

    params = request.GET.copy()
    params["authority"] = authority.slug
    finding_filter = FindingFilter(
        params, queryset=findings_visible_to(request.user), request=request
    )
    findings = finding_filter.qs
    page = paginate(request, selectors.finding_rows(findings))
    page.object_list = selectors.as_finding_rows(page.object_list)
    actions = selectors.plan_actions(findings)

    inspections = selectors.inspection_rows(
        authority.inspections.latest_first().prefetch_related("judgements")
    )
    graded, visit = selectors.latest_graded_and_visit(inspections)
    ctx = {
        "authority": authority,
        "authorities": authorities,
        "inspections": inspections,
        "latest": graded,
        "latest_visit": visit,
        "clock_warnings": [r for r in inspections if r.clock and r.clock.needs_warning],
        "can_lead": can_lead(request.user, authority),
        "headline": selectors.headline(findings, actions),
        "attention": selectors.needs_attention(actions),
        "filter": finding_filter,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "back": request.get_full_path(),
        "filter_summary": filter_summary(
            finding_filter.form, request, defaults=FindingFilter.DEFAULTS
        ),
        "recurring": selectors.authority_recurring_themes(authority),
        "theme_chart": charts.status_by_theme_chart(selectors.status_by_theme(authority)),
        "progress_chart": charts.progress_chart(selectors.progress_by_month(authority)),
        "status_choices": Status.choices,
    }
    return render(request, "improvement/dashboard.html", ctx)


@login_required
def findings_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    return export_response(request, ExportKind.FINDINGS, fmt)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(
        findings_visible_to(request.user).select_related("inspection__authority"), pk=pk
    )
    actions = list(
        finding.actions.select_related("owner", "team")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("added_by").order_by("-added_at"),
            )
        )
        .order_by("due_date", "pk")
    )
    status, rag = rules.finding_rollup(actions)
    authority = finding.inspection.authority
    return render(
        request,
        "improvement/finding_detail.html",
        {
            "finding": finding,
            "paragraphs": finding.paragraphs.order_by("number"),
            "themes": finding.themes.all(),
            "actions": actions,
            "rollup_status": FindingStatus(status).label,
            "rollup_status_value": status,
            "rollup_rag": rag,
            "state": FindingStateRecord.objects.filter(finding=finding)
            .select_related("changed_by", "superseded_by")
            .first(),
            "supersedes": FindingStateRecord.objects.filter(superseded_by=finding).select_related(
                "finding__inspection"
            ),
            "can_lead": can_lead(request.user, authority),
            "back": back_link(
                request,
                reverse("improvement:dashboard") + f"?authority={authority.slug}#findings",
                "Dashboard",
            ),
            "here": request.get_full_path(),
        },
    )
