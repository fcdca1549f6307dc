"""Board reports: choose a period, preview, save a frozen copy, read and download it."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..access import authorities_visible_to, can_lead
from ..exports import (
    BOARD_REPORT_COLUMNS,
    BOARD_REPORT_MEASURE_COLUMNS,
    board_report_measure_rows,
    board_report_rows,
)
from ..forms import CompareReportsForm, ReportPeriodForm, SaveReportForm, WithdrawReportForm
from ..models import BoardReport, UnreadableReport
from ..pdf import board_pack_pdf
from ..people import display_name
from ..reports import build_report, compare_reports, compare_two, has_measures, period_label
from ..services import ReportExists, board_report_save, board_report_withdraw
from ..tables import FORMATS, Sheet, download, table_bytes
from .common import add_service_errors


def _last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar quarter before today."""
    first_of_quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def _pdf(request: HttpRequest, data: dict, title: str, saved: BoardReport | None) -> HttpResponse:
    author = saved.created_by if saved else request.user
    produced = saved.created_at if saved else timezone.now()
    content = board_pack_pdf(
        {
            "report": data,
            "title": title,
            "period": period_label(data),
            "produced": f"{timezone.localtime(produced):%-d %B %Y}",
            "author": display_name(author),
            "saved": saved,
        }
    )
    name = f"{data['authority_slug']}-board-pack-{data['start']}-to-{data['end']}.pdf"
    return download(content, name, "application/pdf")


def _report_list(request: HttpRequest, form: ReportPeriodForm) -> HttpResponse:
    reports = BoardReport.objects.visible_to(request.user).select_related("authority", "created_by")
    return render(request, "improvement/report_list.html", {"form": form, "reports": reports})


def _xlsx(data: dict, title: str) -> HttpResponse:
    """The board report as a spreadsheet: its title and period above the table; the
    measures on a second sheet (reports saved before measures have none)."""
    name = f"{data['authority_slug']}-board-report-{data['start']}-to-{data['end']}"
    preface = [title, f"Period: {period_label(data)}", f"Generated: {data['generated_at']}"]
    if data.get("scope"):
        preface.append(f"Covers: {data['scope']['label']}")
    if data.get("commentary"):
        preface.append(f"Summary: {data['commentary']}")
    sheets = []
    if has_measures(data):
        rows = board_report_measure_rows(data)
        sheets.append(Sheet("Measures", BOARD_REPORT_MEASURE_COLUMNS, rows))
    content = table_bytes(
        BOARD_REPORT_COLUMNS, board_report_rows(data), "xlsx", preface=preface, sheets=sheets
    )
    return download(content, f"{name}.xlsx", FORMATS["xlsx"])


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
    return _preview(request, form.cleaned_data, request.GET.get("format", ""))


def _preview(
    request: HttpRequest, period: dict, fmt: str = "", save_form: SaveReportForm | None = None
) -> HttpResponse:
    """The live report for a period and scope; with `save_form`, shown again with its errors."""
    authorities = authorities_visible_to(request.user)
    authority = period["authority"]
    data = build_report(
        authority=authority,
        start=period["start"],
        end=period["end"],
        inspections=list(period["inspections"]),
    )
    title = f"{authority.name} improvement plan: progress {period_label(data)}"
    if fmt == "xlsx":
        return _xlsx(data, title)
    if fmt == "pdf":
        return _pdf(request, data, title, None)
    previous = BoardReport.objects.current().filter(authority=authority).first()
    previous_data = _readable(previous)
    if save_form is None:
        save_form = SaveReportForm(
            initial={**period, "authority": authority.slug, "title": title},
            authorities=authorities,
        )
    query = {"authority": authority.slug, "start": period["start"], "end": period["end"]}
    return render(
        request,
        "improvement/report_detail.html",
        {
            "report": data,
            "saved": None,
            "title": title,
            "can_save": can_lead(request.user, authority),
            "period_ended": period["end"] < timezone.localdate(),
            "save_form": save_form,
            "chosen_inspections": [i.pk for i in period["inspections"]],
            "previous": previous,
            "changes": compare_reports(previous_data, data) if previous_data else None,
            "querystring": urlencode(
                {**query, "inspections": [i.pk for i in period["inspections"]]}, doseq=True
            ),
        },
    )


@login_required
@require_POST
def report_save(request: HttpRequest) -> HttpResponse:
    form = SaveReportForm(request.POST, authorities=authorities_visible_to(request.user))
    if not form.is_valid():
        return _back_to_preview(request, form)
    try:
        report = board_report_save(
            authority=form.cleaned_data["authority"],
            author=request.user,
            title=form.cleaned_data["title"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            inspections=list(form.cleaned_data["inspections"]),
            summary=form.cleaned_data["summary"],
            comments=form.comments(),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _back_to_preview(request, form)
    except ReportExists as exc:
        messages.error(
            request,
            f"{exc} Nothing new was saved: this is the saved report. "
            "Withdraw it first to save the period again.",
        )
        return redirect(exc.existing)
    messages.success(request, "Board report saved. It will not change from now on.")
    return redirect(report)


def _back_to_preview(request: HttpRequest, form: SaveReportForm) -> HttpResponse:
    """The preview again, with what the leader typed and what is wrong with it; or, when
    the period itself is wrong, the period form."""
    period = form.cleaned_data
    if all(k in period for k in ("authority", "start", "end", "inspections")):
        return _preview(request, period, save_form=form)
    return _report_list(request, form)


@login_required
def report_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader withdraws a saved report issued in error; it is kept, marked withdrawn."""
    saved = get_object_or_404(BoardReport.objects.visible_to(request.user), pk=pk)
    if not can_lead(request.user, saved.authority):
        raise PermissionDenied
    form = WithdrawReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board_report_withdraw(
                report=saved, leader=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The report is withdrawn. It is kept, marked so.")
            return redirect(saved)
    return render(request, "improvement/report_withdraw.html", {"form": form, "saved": saved})


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
    if fmt == "pdf":
        return _pdf(request, data, saved.title, saved)
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
            "can_withdraw": can_lead(request.user, saved.authority) and not saved.withdrawn_at,
        },
    )


@login_required
def report_compare(request: HttpRequest) -> HttpResponse:
    """Any two saved reports of one authority, side by side: what moved between them."""
    visible = BoardReport.objects.visible_to(request.user).select_related("authority")
    form = CompareReportsForm(request.GET or None, reports=visible)
    comparison = None
    if form.is_bound and form.is_valid():
        earlier, later = sorted(
            (form.cleaned_data["first"], form.cleaned_data["second"]),
            key=lambda r: (r.period_end, r.created_at),
        )
        first, second = _readable(earlier), _readable(later)
        if first is None or second is None:
            form.add_error(None, "One of these reports is in a format this app cannot read.")
        else:
            comparison = {"earlier": earlier, "later": later, **compare_two(first, second)}
    return render(
        request, "improvement/report_compare.html", {"form": form, "comparison": comparison}
    )
