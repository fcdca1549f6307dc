"""Leaders build the plan in the browser: add and edit actions, link findings, set a
finding's state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from inspections.models import Finding, Inspection

from ..access import authorities_visible_to, can_lead, findings_visible_to
from ..forms import ActionForm, FindingsForm, FindingStateForm, PlanDatesForm, resubmitted
from ..services import (
    EDITABLE_FIELDS,
    ActionChanged,
    action_create,
    action_edit,
    action_set_findings,
    finding_set_state,
    inspection_set_plan_dates,
)
from .common import add_service_errors, get_action_for_user


def _finding_for_leader(request: HttpRequest, pk: int) -> Finding:
    """The finding if the user may see it (else 404) and lead its plan (else 403)."""
    finding = get_object_or_404(
        findings_visible_to(request.user).select_related("inspection__authority"), pk=pk
    )
    if not can_lead(request.user, finding.inspection.authority):
        raise PermissionDenied
    return finding


@login_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding_for_leader(request, pk)
    authority = finding.inspection.authority
    form = ActionForm(request.POST or None, authority=authority)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            action = action_create(finding=finding, author=request.user, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Action added to the plan.")
            return redirect(action)
    return render(
        request,
        "improvement/action_form.html",
        {"form": form, "finding": finding, "action": None},
    )


@login_required
def action_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    if not action.can_lead(request.user):
        raise PermissionDenied
    form = ActionForm(request.POST or None, authority=action.authority, action=action)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_edit(
                action=action,
                editor=request.user,
                expected_version=data["version"] or 0,
                **{name: data[name] for name in EDITABLE_FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ActionChanged as exc:
            conflict = exc
            action = exc.current
            form = ActionForm(
                resubmitted(request.POST, action), authority=action.authority, action=action
            )
            form.is_valid()
        else:
            messages.success(request, "Action saved.")
            return redirect(action)
    return render(
        request,
        "improvement/action_form.html",
        {"form": form, "action": action, "finding": None, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def action_findings(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    if not action.can_lead(request.user):
        raise PermissionDenied
    form = FindingsForm(request.POST or None, action=action)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            action_set_findings(
                action=action,
                editor=request.user,
                expected_version=form.cleaned_data["version"],
                findings=list(form.cleaned_data["findings"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ActionChanged as exc:
            conflict = exc
            action = exc.current
            form = FindingsForm(resubmitted(request.POST, action), action=action)
            form.is_valid()
        else:
            messages.success(request, "Findings saved.")
            return redirect(action)
    return render(
        request,
        "improvement/action_findings.html",
        {"form": form, "action": action, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def finding_state(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding_for_leader(request, pk)
    record = getattr(finding, "plan_state", None)
    initial = {"state": record.state if record else "open"}
    if record:
        initial |= {"superseded_by": record.superseded_by, "reason": record.reason}
    form = FindingStateForm(request.POST or None, finding=finding, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            finding_set_state(finding=finding, leader=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The finding's state is saved.")
            return redirect("improvement:finding_detail", pk=finding.pk)
    return render(request, "improvement/finding_state.html", {"form": form, "finding": finding})


@login_required
def inspection_plan_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader records when the report arrived and the action plan was sent."""
    inspection = get_object_or_404(
        Inspection.objects.filter(
            authority__in=authorities_visible_to(request.user)
        ).select_related("authority"),
        pk=pk,
    )
    if not can_lead(request.user, inspection.authority):
        raise PermissionDenied
    form = PlanDatesForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection_set_plan_dates(
                inspection=inspection,
                leader=request.user,
                report_received_date=data["report_received_date"],
                priority_actions=data.get("priority_actions", False),
                plan_submitted_date=data["plan_submitted_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The action plan's dates are saved.")
            return redirect(
                reverse("improvement:dashboard") + f"?authority={inspection.authority.slug}"
            )
    return render(
        request, "improvement/inspection_plan_dates.html", {"form": form, "inspection": inspection}
    )
