"""Board reports: choose a period, preview, save a frozen copy, read and download it."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..access import authorities_visible_to, can_lead
from ..exports import BOARD_REPORT_COLUMNS, board_report_rows
from ..forms import ReportPeriodForm, SaveReportForm
from ..models import BoardReport, UnreadableReport
from ..reports import build_report, compare_reports, period_label
from ..services import board_report_save
from ..tables import table_response


def _last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter before today."""
    first_of_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def _report_list(request: HttpRequest, form: ReportPeriodForm) -> HttpResponse:
    reports = BoardReport.objects.visible_to(request.user).select_related("authority", "created_by")
    return render(request, "improvement/report_list.html", {"form": form, "reports": reports})


def _xlsx(data: dict, title: str) -> HttpResponse:
    """The board report as a spreadsheet: its title and period above the table."""
    name = f"{data['authority_slug']}-board-report-{data['start']}-to-{data['end']}"
    preface = [title, f"Period: {period_label(data)}", f"Generated: {data['generated_at']}"]
    return table_response(
        name, BOARD_REPORT_COLUMNS, board_report_rows(data), "xlsx", preface=preface
    )


def _readable(report: BoardReport | None) -> dict | None:
    """A report's data to compare with, if there is one this code can read."""
    try:
        return report.content() if report else None
    except UnreadableReport:
        return None


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    authorities = authorities_visible_to(request.user)
    start, end = _last_quarter(timezone.localdate())
    first = authorities.first()
    form = ReportPeriodForm(
        initial={"authority": first.slug if first else None, "start": start, "end": end},
        authorities=authorities,
    )
    return _report_list(request, form)


@login_required
def report_preview(request: HttpRequest) -> HttpResponse:
    authorities = authorities_visible_to(request.user)
    form = ReportPeriodForm(request.GET, authorities=authorities)
    if not form.is_valid():
        return _report_list(request, form)
    authority = form.cleaned_data["authority"]
    data = build_report(
        authority=authority, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx(data, f"{authority.name} improvement plan: progress {period_label(data)}")
    previous = BoardReport.objects.filter(authority=authority).first()
    previous_data = _readable(previous)
    title = f"{authority.name} improvement plan: progress {period_label(data)}"
    return render(
        request,
        "improvement/report_detail.html",
        {
            "report": data,
            "saved": None,
            "title": title,
            "can_save": can_lead(request.user, authority),
            "save_form": SaveReportForm(
                initial={**form.cleaned_data, "authority": authority.slug, "title": title},
                authorities=authorities,
            ),
            "previous": previous,
            "changes": compare_reports(previous_data, data) if previous_data else None,
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def report_save(request: HttpRequest) -> HttpResponse:
    form = SaveReportForm(request.POST, authorities=authorities_visible_to(request.user))
    if not form.is_valid():
        return _report_list(request, form)
    report = board_report_save(
        authority=form.cleaned_data["authority"],
        author=request.user,
        title=form.cleaned_data["title"],
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
    )
    messages.success(request, "Board report saved. It will not change from now on.")
    return redirect(report)


@login_required
def report_detail(request: HttpRequest, pk: int, fmt: str = "") -> HttpResponse:
    saved = get_object_or_404(
        BoardReport.objects.visible_to(request.user).select_related("authority", "created_by"),
        pk=pk,
    )
    try:
        data = saved.content()
    except UnreadableReport as exc:
        context = {"saved": saved, "error": str(exc)}
        return render(request, "improvement/report_unreadable.html", context, status=409)
    if fmt == "xlsx":
        return _xlsx(data, saved.title)
    previous = saved.previous()
    previous_data = _readable(previous)
    return render(
        request,
        "improvement/report_detail.html",
        {
            "report": data,
            "saved": saved,
            "title": saved.title,
            "previous": previous,
            "changes": compare_reports(previous_data, data) if previous_data else None,
        },
    )
