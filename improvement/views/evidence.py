"""Evidence: download (only through the app, never a public URL) and a leader's acceptance."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..access import can_sign_off
from ..forms import EvidenceReturnForm
from ..models import Action, Evidence
from ..services import EvidenceAlreadyAccepted, evidence_accept, evidence_return


def _get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    """The evidence if the user may see its action; a 404 otherwise."""
    return get_object_or_404(
        Evidence.objects.select_related("action__authority").filter(
            action__in=Action.objects.visible_to(request.user)
        ),
        pk=pk,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _get_evidence_for_user(request, pk)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = PurePath(evidence.file.name or "evidence").name
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _get_evidence_for_user(request, pk)
    try:
        evidence_accept(evidence=evidence, leader=request.user)
    except EvidenceAlreadyAccepted as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Evidence “{evidence.title}” accepted.")
    return redirect(evidence.action)


@login_required
def evidence_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader sends evidence back to be improved, with a comment."""
    evidence = _get_evidence_for_user(request, pk)
    if not can_sign_off(request.user, evidence.action):
        raise PermissionDenied
    form = EvidenceReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_return(
                evidence=evidence, leader=request.user, comment=form.cleaned_data["comment"]
            )
        except EvidenceAlreadyAccepted as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Evidence “{evidence.title}” returned with your comment.")
            return redirect(evidence.action)
    return render(request, "improvement/evidence_return.html", {"form": form, "evidence": evidence})
