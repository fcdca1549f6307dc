import datetime as dt
from collections import Counter
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Max, Prefetch, Q, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections.models import LocalAuthority, Recommendation, ReportParagraph

from .filters import RAG_FIELDS, ActionFilter, FindingFilter, finding_rollup
from .forms import ProgressForm, RagOverrideForm, ReportPeriodForm, SaveReportForm
from .models import (
    RAG,
    Action,
    BoardReport,
    Evidence,
    FindingStatus,
    ProgressUpdate,
    Role,
    Status,
    authorities_visible_to,
    findings_visible_to,
    has_role,
    is_admin,
)
from .reports import build_report, compare_reports
from .services import (
    ActionChanged,
    NewEvidence,
    action_override_rag,
    action_record_update,
    evidence_accept,
)
from .tables import table_response


def _get_action_for_user(request: HttpRequest, pk: int) -> Action:
    """The action if the user may see it; a 404 otherwise, so outsiders learn nothing."""
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related("owner", "team", "authority"),
        pk=pk,
    )


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    actions = (
        Action.objects.visible_to(request.user)
        .filter(Q(owner=request.user) | Q(team__members=request.user))
        .distinct()
        .select_related("owner", "team")
        .annotate(
            overdue_first=Case(
                When(Q(due_date__lt=today) & ~Q(status="complete"), then=0), default=1
            )
        )
        .order_by("overdue_first", "due_date", "pk")
    )
    return render(request, "improvement/action_list_mine.html", {"actions": actions})


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _get_action_for_user(request, pk)
    findings = action.findings.select_related("inspection__authority").prefetch_related(
        Prefetch("paragraphs", queryset=ReportParagraph.objects.order_by("number")), "themes"
    )
    ctx = {
        "action": action,
        "findings": findings,
        "updates": action.updates.select_related("author").order_by("-created_at", "-pk"),
        "evidence": action.evidence.select_related("added_by", "accepted_by").order_by(
            "-added_at", "-pk"
        ),
        "can_update": action.can_update(request.user),
        "can_lead": action.can_lead(request.user),
        "history": action.history.filter(rag_override_reason__gt="")
        .select_related("history_user")
        .order_by("-history_date")[:10],
    }
    if ctx["can_lead"]:
        ctx["rag_form"] = RagOverrideForm(
            initial={"rag": action.rag_override, "reason": action.rag_override_reason}
        )
    return render(request, "improvement/action_detail.html", ctx)


@login_required
def action_record_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = _get_action_for_user(request, pk)
    if not action.can_update(request.user):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES, action=action)
        if form.is_valid():
            data = form.cleaned_data
            evidence = None
            if data["evidence_title"]:
                evidence = NewEvidence(
                    title=data["evidence_title"],
                    kind=data["evidence_kind"],
                    file=data["evidence_file"],
                    url=data["evidence_url"],
                )
            try:
                action_record_update(
                    action=action,
                    author=request.user,
                    expected_version=data["version"],
                    status=data["status"],
                    note=data["note"],
                    due_date=data["due_date"],
                    due_date_reason=data["due_date_reason"],
                    evidence=evidence,
                )
            except ActionChanged as exc:
                conflict = exc
                # Keep everything the person typed; let them resubmit against the new version.
                post = request.POST.copy()
                post["version"] = exc.current.version
                form = ProgressForm(post, action=exc.current)
                form.is_valid()
                action = exc.current
            else:
                messages.success(request, "Progress recorded.")
                return redirect(action)
    else:
        form = ProgressForm(action=action)
    status = 409 if conflict else 200
    return render(
        request,
        "improvement/action_record_progress.html",
        {"action": action, "form": form, "conflict": conflict},
        status=status,
    )


@login_required
@require_POST
def action_rag_override(request: HttpRequest, pk: int) -> HttpResponse:
    action = _get_action_for_user(request, pk)
    if not action.can_lead(request.user):
        raise PermissionDenied
    form = RagOverrideForm(request.POST)
    if form.is_valid():
        action_override_rag(
            action=action,
            leader=request.user,
            rag=form.cleaned_data["rag"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "RAG rating saved.")
        return redirect(action)
    return render(request, "improvement/action_rag_override.html", {"action": action, "form": form})


def _get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("action"), pk=pk)
    if not Action.objects.visible_to(request.user).filter(pk=evidence.action_id).exists():
        raise Http404
    return evidence


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _get_evidence_for_user(request, pk)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=PurePath(evidence.file.name).name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _get_evidence_for_user(request, pk)
    if not evidence.action.can_lead(request.user):
        raise PermissionDenied
    evidence_accept(evidence=evidence, leader=request.user)
    messages.success(request, f"Evidence “{evidence.title}” accepted.")
    return redirect(evidence.action)


# --- Leaders' dashboard -------------------------------------------------------

PAGE_SIZE = 25


def _finding_rows(queryset):
    """Findings with everything the table shows, in a fixed number of queries."""
    return (
        queryset.select_related("inspection__authority")
        .prefetch_related(
            "themes",
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("owner").order_by("due_date", "pk"),
            ),
        )
        .annotate(
            evidence_count=Count("actions__evidence", distinct=True),
            last_update=Max("actions__last_update_at"),
        )
        .order_by(
            F("inspection__start_date").desc(nulls_last=True),
            "inspection__authority__name",
            "inspection_id",
            "order",
        )
    )


def _with_rollup(findings) -> list:
    for finding in findings:
        finding.rollup_status, finding.rollup_rag = finding_rollup(finding)
        finding.rollup_status_label = FindingStatus(finding.rollup_status).label
        finding.rollup_rag_label = RAG(finding.rollup_rag).label
        finding.owners = sorted(
            {a.owner for a in finding.actions.all() if a.owner},
            key=lambda u: u.get_full_name() or u.username,
        )
    return findings


def _chosen_authority(request: HttpRequest, authorities) -> LocalAuthority | None:
    slug = request.GET.get("authority")
    if slug:
        return get_object_or_404(authorities, slug=slug)
    return authorities.first()


def _paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


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
    page = _paginate(request, _finding_rows(finding_filter.qs))
    _with_rollup(page.object_list)

    inspections = authority.inspections.latest_first().prefetch_related("judgements")
    actions = list(Action.objects.filter(authority=authority).only(*RAG_FIELDS, "authority"))
    ctx = {
        "authority": authority,
        "authorities": authorities,
        "inspections": inspections,
        "latest": inspections[0] if inspections else None,
        "headline": _headline(authority, actions),
        "filter": finding_filter,
        "page": page,
        "querystring": _querystring_without(request, "page"),
        "recurring": _recurring_themes(authority),
        "theme_chart": _status_by_theme(authority),
        "progress_chart": _progress_over_time(authority),
        "status_choices": Status.choices,
    }
    return render(request, "improvement/dashboard.html", ctx)


def _headline(authority: LocalAuthority, actions: list[Action]) -> dict:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=30)
    by_status = Counter(a.status for a in actions)
    rags = Counter(a.rag for a in actions)
    findings = findings_for(authority)
    open_findings = sum(1 for f in findings if finding_rollup(f)[0] != FindingStatus.COMPLETE)
    return {
        "findings_total": len(findings),
        "findings_open": open_findings,
        "actions_total": len(actions),
        "by_status": [(value, label, by_status[value]) for value, label in Status.choices],
        "overdue": sum(1 for a in actions if a.is_overdue),
        "due_soon": sum(
            1
            for a in actions
            if a.status != Status.COMPLETE and a.due_date and today <= a.due_date <= soon
        ),
        "rag": [(value, label, rags[value]) for value, label in RAG.choices],
    }


def findings_for(authority: LocalAuthority) -> list:
    return list(
        Recommendation.objects.filter(inspection__authority=authority).prefetch_related(
            Prefetch("actions", queryset=Action.objects.only(*RAG_FIELDS))
        )
    )


def _recurring_themes(authority: LocalAuthority) -> list[dict]:
    """Themes raised in more than one inspection, with those inspections in date order."""
    rows = (
        Recommendation.themes.through.objects.filter(
            recommendation__inspection__authority=authority
        )
        .select_related("theme", "recommendation__inspection")
        .order_by("theme__name", F("recommendation__inspection__start_date").asc(nulls_last=True))
    )
    by_theme: dict = {}
    for row in rows:
        inspections = by_theme.setdefault(row.theme, {})
        inspections.setdefault(row.recommendation.inspection, []).append(row.recommendation)
    return [
        {"theme": theme, "inspections": list(inspections.items())}
        for theme, inspections in by_theme.items()
        if len(inspections) > 1
    ]


def _status_by_theme(authority: LocalAuthority) -> dict:
    """Counts of actions by status for each theme, for a stacked bar chart."""
    rows = (
        Action.objects.filter(authority=authority, findings__themes__isnull=False)
        .values("findings__themes__name", "status")
        .annotate(n=Count("id", distinct=True))
        .order_by("findings__themes__name")
    )
    themes: dict[str, Counter] = {}
    for row in rows:
        themes.setdefault(row["findings__themes__name"], Counter())[row["status"]] = row["n"]
    widest = max((sum(c.values()) for c in themes.values()), default=0)
    scale = CHART_WIDTH / widest if widest else 0
    bars = []
    for index, (name, counts) in enumerate(themes.items()):
        x = 0.0
        segments = []
        for value, label in Status.choices:
            n = counts[value]
            if n:
                segments.append(
                    {"status": value, "label": label, "n": n, "x": x, "width": n * scale}
                )
                x += n * scale
        bars.append(
            {
                "theme": name,
                "y": index * BAR_PITCH,
                "segments": segments,
                "counts": [counts[v] for v, _ in Status.choices],
                "total": sum(counts.values()),
            }
        )
    return {"bars": bars, "height": len(bars) * BAR_PITCH, "width": CHART_WIDTH}


CHART_WIDTH = 400
BAR_PITCH = 28


def _progress_over_time(authority: LocalAuthority) -> dict:
    """Per month: progress updates recorded, and actions complete by the month's end."""
    updates = ProgressUpdate.objects.filter(action__authority=authority).values_list(
        "created_at", "status_after", "action_id"
    )
    months: dict[str, dict] = {}
    state: dict[int, str] = {}
    complete = 0
    for created_at, after, action_id in updates.order_by("created_at", "pk"):
        month = timezone.localtime(created_at).strftime("%Y-%m")
        was_complete = state.get(action_id) == Status.COMPLETE
        state[action_id] = after
        complete += (after == Status.COMPLETE) - was_complete
        row = months.setdefault(month, {"month": month, "updates": 0, "complete": 0})
        row["updates"] += 1
        row["complete"] = complete
    rows = list(months.values())
    top = max((max(r["updates"], r["complete"]) for r in rows), default=0)
    step = CHART_WIDTH / max(len(rows) - 1, 1)
    for index, row in enumerate(rows):
        row["label"] = dt.datetime.strptime(row["month"], "%Y-%m").strftime("%b %Y")
        row["x"] = round(index * step, 1)
        row["y_complete"] = _y(row["complete"], top)
        row["y_updates"] = _y(row["updates"], top)
    return {
        "rows": rows,
        "complete_points": " ".join(f"{r['x']},{r['y_complete']}" for r in rows),
        "update_points": " ".join(f"{r['x']},{r['y_updates']}" for r in rows),
        "top": top,
        "width": CHART_WIDTH,
        "height": LINE_HEIGHT,
    }


LINE_HEIGHT = 160


def _y(value: int, top: int) -> float:
    return round(LINE_HEIGHT - (value / top * LINE_HEIGHT if top else 0), 1)


FINDING_HEADERS = [
    "Authority",
    "Inspection",
    "Inspection start",
    "Order",
    "Finding",
    "Judgement area",
    "Themes",
    "Owners",
    "Status",
    "RAG",
    "Actions",
    "Evidence",
    "Last update",
]


def _finding_export_rows(findings):
    for f in findings:
        yield [
            f.inspection.authority.name,
            f.inspection.get_kind_display(),
            f.inspection.start_date,
            f.order,
            f.text,
            f.get_judgement_area_display(),
            "; ".join(t.name for t in f.themes.all()),
            "; ".join(u.get_full_name() or u.username for u in f.owners),
            f.rollup_status_label,
            f.rollup_rag_label,
            len(f.actions.all()),
            f.evidence_count,
            timezone.localtime(f.last_update).strftime("%Y-%m-%d %H:%M") if f.last_update else "",
        ]


@login_required
def findings_export(request: HttpRequest, fmt: str) -> HttpResponse:
    finding_filter = FindingFilter(
        request.GET, queryset=findings_visible_to(request.user), request=request
    )
    if not finding_filter.is_valid():
        raise Http404
    findings = _with_rollup(list(_finding_rows(finding_filter.qs)))
    return table_response("findings", FINDING_HEADERS, _finding_export_rows(findings), fmt)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(
        findings_visible_to(request.user).select_related("inspection__authority"), pk=pk
    )
    actions = (
        finding.actions.select_related("owner", "team")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("added_by").order_by("-added_at"),
            )
        )
        .order_by("due_date", "pk")
    )
    status, rag = finding_rollup(finding)
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
        },
    )


ACTION_HEADERS = [
    "Authority",
    "Action",
    "Findings",
    "Owner",
    "Team",
    "Status",
    "RAG",
    "Start date",
    "Original due date",
    "Current due date",
    "Completed",
    "Last update",
]


def _action_rows(queryset):
    return (
        queryset.select_related("authority", "owner", "team")
        .prefetch_related(
            Prefetch("findings", queryset=Recommendation.objects.select_related("inspection"))
        )
        .order_by("due_date", "pk")
    )


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    action_filter = ActionFilter(
        request.GET, queryset=Action.objects.visible_to(request.user), request=request
    )
    page = _paginate(request, _action_rows(action_filter.qs))
    return render(
        request,
        "improvement/action_list.html",
        {
            "filter": action_filter,
            "page": page,
            "querystring": _querystring_without(request, "page"),
        },
    )


@login_required
def actions_export(request: HttpRequest, fmt: str) -> HttpResponse:
    action_filter = ActionFilter(
        request.GET, queryset=Action.objects.visible_to(request.user), request=request
    )
    if not action_filter.is_valid():
        raise Http404
    rows = (
        [
            a.authority.name,
            a.title,
            "; ".join(f"{f} " for f in a.findings.all()).strip(),
            (a.owner.get_full_name() or a.owner.username) if a.owner else "",
            a.team.name if a.team else "",
            a.get_status_display(),
            a.get_rag_display(),
            a.start_date,
            a.original_due_date,
            a.due_date,
            a.completed_date,
            timezone.localtime(a.last_update_at).strftime("%Y-%m-%d %H:%M")
            if a.last_update_at
            else "",
        ]
        for a in _action_rows(action_filter.qs)
    )
    return table_response("actions", ACTION_HEADERS, rows, fmt)


# --- Board reports -------------------------------------------------------------


def _last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter before today."""
    first_of_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def _can_save_reports(user, authority: LocalAuthority) -> bool:
    return is_admin(user) or (
        has_role(user, Role.LEADER) and authority.members.filter(pk=user.pk).exists()
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    authorities = authorities_visible_to(request.user)
    start, end = _last_quarter(timezone.localdate())
    first = authorities.first()
    form = ReportPeriodForm(
        initial={"authority": first.slug if first else None, "start": start, "end": end},
        authorities=authorities,
    )
    reports = BoardReport.objects.visible_to(request.user).select_related("authority", "created_by")
    return render(request, "improvement/report_list.html", {"form": form, "reports": reports})


@login_required
def report_preview(request: HttpRequest) -> HttpResponse:
    authorities = authorities_visible_to(request.user)
    form = ReportPeriodForm(request.GET, authorities=authorities)
    if not form.is_valid():
        reports = BoardReport.objects.visible_to(request.user).select_related(
            "authority", "created_by"
        )
        return render(request, "improvement/report_list.html", {"form": form, "reports": reports})
    authority = form.cleaned_data["authority"]
    data = build_report(
        authority=authority, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    if request.GET.get("format") == "xlsx":
        return _report_xlsx(data, f"board-report-{authority.slug}-{data['end']}")
    previous = BoardReport.objects.filter(authority=authority).first()
    title = f"{authority.name} improvement plan: progress {_period_label(data)}"
    return render(
        request,
        "improvement/report_detail.html",
        {
            "report": data,
            "saved": None,
            "title": title,
            "can_save": _can_save_reports(request.user, authority),
            "save_form": SaveReportForm(
                initial={**form.cleaned_data, "authority": authority.slug, "title": title},
                authorities=authorities,
            ),
            "previous": previous,
            "changes": compare_reports(previous.data, data) if previous else None,
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def report_save(request: HttpRequest) -> HttpResponse:
    form = SaveReportForm(request.POST, authorities=authorities_visible_to(request.user))
    if not form.is_valid():
        reports = BoardReport.objects.visible_to(request.user).select_related(
            "authority", "created_by"
        )
        return render(request, "improvement/report_list.html", {"form": form, "reports": reports})
    authority = form.cleaned_data["authority"]
    if not _can_save_reports(request.user, authority):
        raise PermissionDenied
    report = BoardReport.objects.create(
        authority=authority,
        title=form.cleaned_data["title"],
        period_start=form.cleaned_data["start"],
        period_end=form.cleaned_data["end"],
        data=build_report(
            authority=authority, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        ),
        created_by=request.user,
        created_at=timezone.now(),
    )
    messages.success(request, "Board report saved. It will not change from now on.")
    return redirect(report)


@login_required
def report_detail(request: HttpRequest, pk: int, fmt: str = "") -> HttpResponse:
    saved = get_object_or_404(
        BoardReport.objects.visible_to(request.user).select_related("authority", "created_by"),
        pk=pk,
    )
    if fmt == "xlsx":
        return _report_xlsx(saved.data, f"board-report-{saved.authority.slug}-{saved.pk}")
    previous = saved.previous()
    return render(
        request,
        "improvement/report_detail.html",
        {
            "report": saved.data,
            "saved": saved,
            "title": saved.title,
            "previous": previous,
            "changes": compare_reports(previous.data, saved.data) if previous else None,
        },
    )


def _period_label(data: dict) -> str:
    start = dt.date.fromisoformat(data["start"])
    end = dt.date.fromisoformat(data["end"])
    return f"{start:%-d %B %Y} to {end:%-d %B %Y}"


def _report_xlsx(data: dict, filename: str) -> HttpResponse:
    headers = [
        "Finding",
        "Inspection",
        "Finding status at start",
        "Finding status at end",
        "Action",
        "Owner",
        "Status at start",
        "Status at end",
        "RAG at end",
        "Due at end",
        "Overdue at end",
        "Updates in period",
        "Evidence added in period",
        "Due date changes in period",
    ]
    rows = []
    for finding in data["findings"]:
        finding_cells = [
            finding["text"],
            finding["inspection"],
            FindingStatus(finding["status_start"]).label,
            FindingStatus(finding["status_end"]).label,
        ]
        if not finding["actions"]:
            rows.append(finding_cells + ["(no actions)"] + [""] * 9)
        for action in finding["actions"]:
            rows.append(
                finding_cells
                + [
                    action["title"],
                    action["owner"],
                    _status_label(action["start"]["status"]),
                    _status_label(action["end"]["status"]),
                    RAG(action["end"]["rag"]).label if action["end"]["rag"] else "",
                    action["end"]["due_date"] or "",
                    "Yes" if action["overdue_at_end"] else "No",
                    "\n".join(f"{u['at']} {u['author']}: {u['note']}" for u in action["updates"]),
                    "\n".join(e["title"] for e in action["evidence"]),
                    "\n".join(
                        f"{c['from']} to {c['to']}: {c['reason']}"
                        for c in action["due_date_changes"]
                    ),
                ]
            )
    return table_response(filename, headers, rows, "xlsx")


def _status_label(value: str) -> str:
    return Status(value).label if value else "Not yet created"
