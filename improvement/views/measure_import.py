"""Outcome measures' values: the download to edit, and its import (upload, preview, confirm)."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from inspections.models import LocalAuthority

from ..access import authorities_visible_to
from ..forms import MeasureImportForm
from ..measure_import import ValueImport, export_values, parse_values
from ..models import Measure, MeasureValue
from ..services import MeasureChanged, measure_record_values
from ..tables import FORMATS, download, export_name
from .common import chosen_authority

SESSION_KEY = "measure_value_import"


def _authority(request: HttpRequest) -> LocalAuthority:
    """The authority `?authority=` names, if the user may see it; a 404 otherwise."""
    authority = chosen_authority(request, authorities_visible_to(request.user))
    if authority is None:
        raise Http404
    return authority


@login_required
def measure_values_export(request: HttpRequest, fmt: str) -> HttpResponse:
    authority = _authority(request)
    name = f"{export_name('measure-values', authority.slug)}.{fmt}"
    return download(export_values(authority, request.user, fmt), name, FORMATS[fmt])


@login_required
def measure_import(request: HttpRequest) -> HttpResponse:
    """Upload a file, preview every row, then confirm. Nothing is written before the confirm.

    The file is kept in the session with the value each row was checked
    against, checked again on confirm, and refused if a figure changed since.
    """
    authority = _authority(request)
    measures = Measure.objects.filter(authority=authority).enterable_by(request.user)
    if not measures.exists():
        raise PermissionDenied
    form, result, status = MeasureImportForm(), None, 200
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(SESSION_KEY)
        if not pending or pending["authority"] != authority.slug:
            messages.error(request, "The upload has expired. Upload the file again.")
            return redirect(_here(authority))
        result = _parse(request, authority, pending["data"], pending["name"])
        result.refuse_if_changed_since(pending["seen"])
        if result.is_valid and _write(request, result):
            del request.session[SESSION_KEY]
            return redirect(reverse("improvement:measure_list") + f"?authority={authority.slug}")
        status = 409  # what was previewed is not what would be written now
    elif request.method == "POST":
        request.session.pop(SESSION_KEY, None)  # a new upload replaces any earlier one
        form = MeasureImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = _check_upload(request, authority, form)
    context = {"authority": authority, "form": form, "result": result, "measures": measures}
    return render(request, "improvement/measure_import.html", context, status=status)


def _parse(request: HttpRequest, authority: LocalAuthority, data: str, name: str) -> ValueImport:
    return parse_values(base64.b64decode(data), name, authority=authority, user=request.user)


def _check_upload(
    request: HttpRequest, authority: LocalAuthority, form: MeasureImportForm
) -> ValueImport | None:
    """The upload checked row by row, kept in the session if every row is right.

    A file that cannot be read at all is a problem with the upload field.
    """
    upload = form.cleaned_data["file"]
    data = base64.b64encode(upload.read()).decode()
    result = _parse(request, authority, data, upload.name)
    if result.file_errors and not result.rows:
        form.add_error("file", result.file_errors[0])
        return None
    if result.is_valid:
        request.session[SESSION_KEY] = {
            "authority": authority.slug,
            "name": upload.name,
            "data": data,
            "seen": result.seen,
        }
    return result


def _write(request: HttpRequest, result: ValueImport) -> bool:
    """Write a checked import; False (with the reason on `result`) if it was refused."""
    try:
        counts = measure_record_values(
            author=request.user, entries=result.entries, via=MeasureValue.Via.IMPORT
        )
    except MeasureChanged as exc:
        result.file_errors.append(str(exc))
        return False
    except ValidationError as exc:
        result.file_errors.extend(exc.messages)
        return False
    messages.success(
        request,
        f"Imported: {counts['added']} added, {counts['corrected']} corrected, "
        f"{counts['unchanged']} unchanged.",
    )
    return True


def _here(authority: LocalAuthority) -> str:
    return reverse("improvement:measure_import") + f"?authority={authority.slug}"
