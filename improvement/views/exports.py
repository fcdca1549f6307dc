"""Downloads: sent at once when small, written in the background when large, and the
page where each person finds the ones written for them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from ..access import can_download
from ..choices import ExportKind, ExportStatus
from ..exports import export_queryset, export_table
from ..models import ExportJob
from ..services.exports import STALLED, export_mark_stalled, export_request
from ..tables import FORMATS, export_name, table_response


def export_response(
    request: HttpRequest, kind: ExportKind, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The download, filtered as on the page: sent at once if it has at most
    EXPORT_INLINE_MAX_ROWS rows; otherwise queued, and the person is sent to
    "Your downloads" to fetch it when it is ready."""
    queryset = export_queryset(kind, request.user, request.GET)
    if queryset is None:
        raise Http404
    name = export_name(kind.value, request.GET.get("authority", ""))
    if queryset.count() > settings.EXPORT_INLINE_MAX_ROWS:
        try:
            export_request(
                user=request.user,
                kind=kind,
                fmt=fmt,
                querystring=request.GET.urlencode(),
                filename=f"{name}.{fmt}",
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.info(
                request,
                "That download is large, so it is being prepared in the background. "
                "It will be ready to download here in a minute or two.",
            )
        return redirect("improvement:export_list")
    columns, rows = export_table(kind, queryset)
    return table_response(name, columns, rows, fmt)


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    """Your downloads: the large exports you asked for, newest first."""
    export_mark_stalled(user=request.user)  # so none shows as waiting for ever
    jobs = ExportJob.objects.requested_by(request.user)
    return render(
        request,
        "improvement/export_list.html",
        {
            "jobs": jobs,
            "keep_days": settings.EXPORT_KEEP_DAYS,
            "inline_max": settings.EXPORT_INLINE_MAX_ROWS,
            "stalled": STALLED,
        },
    )


def _get_export_for_user(request: HttpRequest, pk: int) -> ExportJob:
    """A finished export the user may download; a 404 otherwise, whoever asked for it."""
    job = get_object_or_404(ExportJob, pk=pk, status=ExportStatus.READY)
    if not can_download(request.user, job):
        raise Http404
    return job


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _get_export_for_user(request, pk)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=job.filename)
    response["Content-Type"] = FORMATS[job.fmt]
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
