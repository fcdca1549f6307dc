"""The leaders' dashboard, a finding's page and the findings download."""

import hashlib
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from inspections.models import Finding, LocalAuthority

from .. import charts, impact, rules, selectors
from ..access import authorities_visible_to, can_lead, findings_visible_to
from ..choices import ExportKind, FindingStatus, Status
from ..filters import FindingFilter
from ..models import Evidence, FindingStateRecord
from ..models.versions import plan_version
from .common import back_link, chosen_authority, filter_summary, paginate, querystring_without
from .exports import export_response

logger = logging.getLogger(__name__)


class AuthorityChoice(NamedTuple):
    """An authority as the switcher and the cache key need it."""

    pk: int
    slug: str
    name: str


# Needs attention lists this many actions (sign-offs first, then by due date); the
# rest are a filter away in the actions list.
ATTENTION_SHOWN = 20


# The parts of the dashboard drawn from the inspections, findings and owners alone
# (Scope.ALL changes), rendered and cached apart from its progress, which most
# writes change: a progress update redraws the rest of the page only.
OFSTED_PARTS = {
    "header": "improvement/includes/dashboard_header.html",
    "filter": "improvement/includes/filter_form.html",
    "inspections": "improvement/includes/dashboard_inspections.html",
    "recurring": "improvement/includes/dashboard_recurring.html",
    "history": "improvement/includes/dashboard_history.html",
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # One query, of plain values, for the authority chosen, the switcher's list and the
    # cache key: building a model instance per authority costs an admin (300 of them)
    # more than the rest of a cached view.
    authorities = [
        AuthorityChoice(*row)
        for row in authorities_visible_to(request.user).values_list("pk", "slug", "name")
    ]
    chosen = chosen_authority(request, authorities)
    if chosen is None:
        return render(request, "improvement/dashboard_empty.html", status=200)
    authority = LocalAuthority(pk=chosen.pk, slug=chosen.slug, name=chosen.name)
    leads = can_lead(request.user, authority)
    versions = plan_version(authority.pk)

    def content() -> str:
        params = request.GET.copy()
        params["authority"] = authority.slug
        finding_filter = FindingFilter(
            params, queryset=findings_visible_to(request.user), request=request
        )
        summary = filter_summary(finding_filter.form, request, defaults=FindingFilter.DEFAULTS)
        ofsted = _cached(
            _cache_key("ofsted", request, authority, authorities, leads, versions.everything),
            lambda: _ofsted_parts(request, authority, authorities, finding_filter, summary),
        )
        return render_to_string(
            "improvement/dashboard_content.html",
            {
                **_progress(request, authority, finding_filter, summary),
                "ofsted": {name: mark_safe(part) for name, part in ofsted.items()},
                "can_lead": leads,
            },
            request=request,
        )

    page = _cached(
        _cache_key("page", request, authority, authorities, leads, versions.anything), content
    )
    return render(
        request, "improvement/dashboard.html", {"authority": authority, "content": mark_safe(page)}
    )


def _cached(key: str, make: Callable[[], Any]) -> Any:
    """The cached copy under `key`, or what `make` gives, kept for next time.

    A cache that can't be read or written (production's is a folder on disk: full,
    or not writable) costs speed, never the page: it is drawn afresh, and logged."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return make()
    try:
        content = caches["dashboard"].get(key)
    except OSError:
        logger.warning("The dashboard's cache could not be read", exc_info=True)
        content = None
    if content is None:
        content = make()
        try:
            caches["dashboard"].set(key, content, settings.DASHBOARD_CACHE_SECONDS)
        except OSError:
            logger.warning("The dashboard's cache could not be written", exc_info=True)
    return content


def _cache_key(
    part: str,
    request: HttpRequest,
    authority: LocalAuthority,
    authorities: list[AuthorityChoice],
    leads: bool,
    version: tuple[int, int],
) -> str:
    """Everything a part of the dashboard depends on: the plan's version (moved by
    the writes that change it), the day (overdue, RAG and clocks move with it), the
    page asked for, whether the person leads the plan, and the authorities they can
    switch to."""
    parts = [
        part,
        authority.pk,
        authority.name,
        version,
        timezone.localdate().isoformat(),
        request.get_full_path(),
        leads,
        # Plain tuples: a named tuple's repr is Python code, 150 times per view.
        [tuple(a) for a in authorities],
    ]
    return "dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _ofsted_parts(
    request: HttpRequest,
    authority: LocalAuthority,
    authorities: list[AuthorityChoice],
    finding_filter: FindingFilter,
    summary: str,
) -> dict[str, str]:
    """The parts drawn from the inspections, findings and owners alone (OFSTED_PARTS)."""
    inspections = selectors.inspection_rows(
        authority.inspections.latest_first().prefetch_related("judgements")
    )
    graded, visit = selectors.latest_graded_and_visit(inspections)
    context = {
        "authority": authority,
        "authorities": authorities,
        "inspections": inspections,
        "latest": graded,
        "latest_visit": visit,
        "clock_warnings": [r for r in inspections if r.clock and r.clock.needs_warning],
        "recurring": selectors.authority_recurring_themes(authority),
        "filter": finding_filter,
        "filter_summary": summary,
    }
    return {
        name: render_to_string(template, context, request=request)
        for name, template in OFSTED_PARTS.items()
    }


def _progress(
    request: HttpRequest, authority: LocalAuthority, finding_filter: FindingFilter, summary: str
) -> dict:
    """The rest of the dashboard: the plan's figures, findings table and charts."""
    # The filters' query, run once, for the findings' ids in the table's order: the
    # page's other reads use them, which is cheaper to build and to run than the
    # filters again in each of them, and the table pages through them uncounted.
    ids = list(
        finding_filter.qs.order_by(*selectors.FINDING_TABLE_ORDER).values_list("pk", flat=True)
    )
    findings = Finding.objects.filter(pk__in=ids)
    actions = selectors.plan_actions(findings)
    actions_of = selectors.by_finding(actions, selectors.finding_links(findings))
    measures_of = selectors.measures_by_finding(findings)
    page = paginate(request, ids)
    shown = Finding.objects.filter(pk__in=list(page.object_list))
    page.object_list = selectors.as_finding_rows(
        selectors.finding_rows(shown), actions_of, measures_of
    )
    attention = selectors.needs_attention(actions)
    return {
        "authority": authority,
        "headline": selectors.headline(ids, actions, actions_of),
        "impact_counts": selectors.impact_counts(ids, measures_of),
        "attention": selectors.with_findings(attention[:ATTENTION_SHOWN]),
        "attention_total": len(attention),
        "page": page,
        "querystring": querystring_without(request, "page"),
        "back": request.get_full_path(),
        "filter_summary": summary,
        "theme_chart": charts.status_by_theme_chart(selectors.status_by_theme(authority)),
        "progress_chart": charts.progress_chart(selectors.progress_by_month(authority)),
        "status_choices": Status.choices,
    }


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
    measures = selectors.measure_rows(selectors.measures_with_values().filter(findings=finding))
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
            "measures": [(row, charts.measure_chart(row)) for row in measures],
            "impact": impact.worst_impact(row.rating.impact for row in measures),
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
