"""Actions: managers' own list, the whole plan's list, an action's page and its updates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from inspections.models import ReportParagraph

from ..access import can_sign_off, has_role
from ..choices import ExportKind, Role, Status
from ..filters import ActionFilter
from ..forms import ProgressForm, RagOverrideForm, ReviewForm
from ..models import Action
from ..services import (
    ActionChanged,
    NewEvidence,
    action_override_rag,
    action_record_update,
    action_return,
    action_sign_off,
)
from .common import (
    add_service_errors,
    back_link,
    filter_summary,
    get_action_for_user,
    paginate,
    querystring_without,
)
from .exports import export_response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where each person lands after signing in: managers on their actions, others the dashboard."""
    if has_role(request.user, Role.MANAGER) and not has_role(request.user, Role.LEADER):
        return redirect("improvement:my_actions")
    return redirect("improvement:dashboard")


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    actions = (
        Action.objects.visible_to(request.user)
        .owned_by(request.user)
        .select_related("owner", "team")
        .overdue_first()
    )
    return render(request, "improvement/action_list_mine.html", {"actions": actions})


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    findings = action.findings.select_related("inspection__authority").prefetch_related(
        Prefetch("paragraphs", queryset=ReportParagraph.objects.order_by("number")), "themes"
    )
    can_lead = action.can_lead(request.user)
    ctx = {
        "action": action,
        "findings": findings,
        # Newest first, a page at a time: an action gathers updates over months.
        "updates": paginate(
            request, action.updates.select_related("author").order_by("-created_at", "-pk")
        ),
        "querystring": querystring_without(request, "page"),
        "evidence": action.evidence.select_related("added_by", "accepted_by").order_by(
            "-added_at", "-pk"
        ),
        "can_update": action.can_update(request.user),
        "can_lead": can_lead,
        "history": action.history.filter(rag_override_reason__gt="")
        .select_related("history_user")
        .order_by("-history_date")[:10],
    }
    if can_lead:
        ctx["rag_form"] = RagOverrideForm.for_action(action)
    ctx["can_sign_off"] = can_sign_off(request.user, action)
    mine = action.owner_id == request.user.pk or action.team_id in _team_ids(request.user)
    ctx["back"] = back_link(
        request,
        reverse("improvement:my_actions" if mine else "improvement:action_list"),
        "My actions" if mine else "All actions",
    )
    if ctx["can_sign_off"] and action.status == Status.READY:
        ctx["review_form"] = ReviewForm(initial={"version": action.version})
    return render(request, "improvement/action_detail.html", ctx)


@login_required
def action_record_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    if not action.can_update(request.user):
        raise PermissionDenied
    conflict = None
    form = ProgressForm(action=action)
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES, action=action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_record_update(
                    action=action,
                    author=request.user,
                    expected_version=data["version"],
                    status=data["status"],
                    note=data["note"],
                    due_date=data["due_date"],
                    due_date_reason=data["due_date_reason"],
                    evidence=_new_evidence(data),
                    no_evidence_reason=data["no_evidence_reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except ActionChanged as exc:
                conflict = exc
                action = exc.current
                form = ProgressForm.after_conflict(request.POST, action=action)
            else:
                messages.success(request, "Progress recorded.")
                return redirect(action)
    return render(
        request,
        "improvement/action_record_progress.html",
        {"action": action, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _team_ids(user) -> set[int]:
    return set(user.teams.values_list("pk", flat=True))


def _new_evidence(data: dict) -> NewEvidence | None:
    if not data["evidence_title"]:
        return None
    return NewEvidence(
        title=data["evidence_title"],
        kind=data["evidence_kind"],
        file=data["evidence_file"],
        url=data["evidence_url"],
    )


@login_required
@require_POST
def action_rag_override(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    if not action.can_lead(request.user):
        raise PermissionDenied
    form = RagOverrideForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            action_override_rag(
                action=action,
                leader=request.user,
                rag=form.cleaned_data["rag"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ActionChanged as exc:
            conflict = exc
            action = exc.current
            form = RagOverrideForm.for_action(action, request.POST)
        else:
            messages.success(request, "RAG rating saved.")
            return redirect(action)
    return render(
        request,
        "improvement/action_rag_override.html",
        {"action": action, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def action_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader other than the owner signs off the work, or returns it with a comment."""
    action = get_action_for_user(request, pk)
    if not can_sign_off(request.user, action):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        review = action_sign_off if data["decision"] == "sign_off" else action_return
        try:
            review(
                action=action,
                leader=request.user,
                expected_version=data["version"],
                comment=data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ActionChanged as exc:
            conflict = exc
            action = exc.current
        else:
            signed = data["decision"] == "sign_off"
            messages.success(
                request,
                "Signed off: the action is complete."
                if signed
                else "Returned to the owner with your comment.",
            )
            return redirect(action)
    return render(
        request,
        "improvement/action_review.html",
        {"action": action, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    action_filter = ActionFilter(
        request.GET, queryset=Action.objects.visible_to(request.user), request=request
    )
    return render(
        request,
        "improvement/action_list.html",
        {
            "filter": action_filter,
            "page": paginate(request, action_filter.qs.for_list()),
            "querystring": querystring_without(request, "page"),
            "filter_summary": filter_summary(action_filter.form, request, ignore=("page",)),
        },
    )


@login_required
def actions_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    return export_response(request, ExportKind.ACTIONS, fmt)
