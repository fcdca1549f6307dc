"""Leaders build and run the plan: add and edit actions, link findings, override RAG,
and say where each finding stands."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from inspections.models import Finding, Inspection

from .. import rules
from ..access import can_lead, plan_errors
from ..choices import FindingState
from ..models import Action, FindingStateRecord, Team
from ..people import display_name
from .locking import history_reason, lock_action

# What a leader may change on an action; its status and due date move through
# progress updates, so that every move is kept with a reason.
EDITABLE_FIELDS = (
    "title",
    "description",
    "owner",
    "team",
    "partner_agency",
    "priority",
    "start_date",
    "success_measure",
)


def action_create(
    *,
    finding: Finding,
    author,
    title: str,
    due_date: dt.date,
    description: str = "",
    owner=None,
    team: Team | None = None,
    partner_agency: str = "",
    priority: str = "",
    start_date: dt.date | None = None,
    success_measure: str = "",
) -> Action:
    """A new action for a finding, added by a leader of its authority."""
    authority = finding.inspection.authority
    if not can_lead(author, authority):
        raise PermissionDenied
    action = Action(
        authority=authority,
        title=title,
        description=description,
        owner=owner,
        team=team,
        partner_agency=partner_agency,
        priority=priority,
        start_date=start_date,
        due_date=due_date,
        original_due_date=due_date,
        success_measure=success_measure,
    )
    errors = rules.due_date_errors(
        status=action.status,
        start_date=start_date,
        due_before=None,
        due_after=due_date,
        today=timezone.localdate(),
    ) | plan_errors(authority=authority, owner=owner)
    if errors:
        raise ValidationError(errors)
    action.full_clean()
    with transaction.atomic():
        action._change_reason = history_reason(f"Added by {display_name(author)}")
        action.save()
        action.findings.set([finding])
    return action


def action_edit(*, action: Action, editor, expected_version: int, **changes) -> Action:
    """A leader changes what an action is, who owns it, or when it starts."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"These fields are not edited here: {sorted(unknown)}")
    if not can_lead(editor, action.authority):
        raise PermissionDenied
    with transaction.atomic():
        current = lock_action(action.pk, expected_version)
        for name, value in changes.items():
            setattr(current, name, value)
        errors = plan_errors(authority=current.authority, owner=current.owner)
        if current.start_date and current.due_date and current.start_date > current.due_date:
            errors["start_date"] = "The start date cannot be after the due date"
        if errors:
            raise ValidationError(errors)
        current.full_clean()
        current._change_reason = history_reason(f"Edited by {display_name(editor)}")
        current.save()
    return current


def action_set_findings(
    *, action: Action, editor, expected_version: int, findings: Sequence[Finding]
) -> Action:
    """Link an action to the findings it addresses (at least one, all of its authority)."""
    if not can_lead(editor, action.authority):
        raise PermissionDenied
    if not findings:
        raise ValidationError({"findings": "Choose at least one finding this action addresses"})
    errors = plan_errors(authority=action.authority, findings=findings)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_action(action.pk, expected_version)
        current.findings.set(findings)
        current._change_reason = history_reason(f"Findings linked by {display_name(editor)}")
        current.save()  # a new version and a history row, with the links as they now are
    return current


def action_override_rag(
    *, action: Action, leader, rag: str, reason: str, expected_version: int
) -> Action:
    """A leader's override of the computed RAG; the reason is kept in the action's history.

    Refuses with ActionChanged if the action changed since the form was opened.
    """
    if not action.can_lead(leader):
        raise PermissionDenied
    with transaction.atomic():
        current = lock_action(action.pk, expected_version)
        current.rag_override = rag
        current.rag_override_reason = reason if rag else ""
        why = f"RAG override by {display_name(leader)}: {reason}" if rag else "RAG override removed"
        current._change_reason = history_reason(why)
        current.full_clean()
        current.save()
    return current


def finding_set_state(
    *,
    finding: Finding,
    leader,
    state: str,
    reason: str,
    superseded_by: Finding | None = None,
) -> FindingStateRecord:
    """A leader says where a finding stands: open, addressed, superseded (by which) or closed."""
    authority = finding.inspection.authority
    if not can_lead(leader, authority):
        raise PermissionDenied
    errors = {}
    if not reason.strip():
        errors["reason"] = "Give a reason"
    if state == FindingState.SUPERSEDED:
        if superseded_by is None:
            errors["superseded_by"] = "Choose the later finding that supersedes it"
        elif superseded_by.pk == finding.pk:
            errors["superseded_by"] = "A finding cannot supersede itself"
        elif superseded_by.inspection.authority_id != authority.pk:
            errors["superseded_by"] = "Choose a finding of the same authority"
        elif superseded_by.inspection_id == finding.inspection_id:
            errors["superseded_by"] = "Choose a finding of a later inspection or visit"
    else:
        superseded_by = None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = FindingStateRecord.objects.select_for_update().filter(finding=finding).first()
        record = record or FindingStateRecord(finding=finding)
        record.state = state
        record.superseded_by = superseded_by
        record.reason = reason.strip()
        record.changed_by = leader
        record.changed_at = timezone.now()
        record.full_clean()
        record.save()
    return record


def inspection_set_plan_dates(
    *,
    inspection: Inspection,
    leader,
    report_received_date: dt.date | None,
    priority_actions: bool,
    plan_submitted_date: dt.date | None,
) -> Inspection:
    """A leader records when the report came and the action plan went (the statutory clock)."""
    if not can_lead(leader, inspection.authority):
        raise PermissionDenied
    errors = plan_dates_errors(
        inspection=inspection,
        received=report_received_date,
        submitted=plan_submitted_date,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Inspection.objects.select_for_update().get(pk=inspection.pk)
        current.report_received_date = report_received_date
        current.priority_actions = priority_actions
        current.plan_submitted_date = plan_submitted_date
        current._change_reason = history_reason(f"Plan dates set by {display_name(leader)}")
        current.full_clean()
        current.save()
    return current


def plan_dates_errors(
    *, inspection: Inspection, received: dt.date | None, submitted: dt.date | None, today: dt.date
) -> dict[str, str]:
    """Dates of a report's receipt and the plan's submission that cannot be right."""
    errors = {}
    on_site = inspection.end_date or inspection.start_date
    if received and on_site and received < on_site:
        errors["report_received_date"] = "The report cannot arrive before the inspection ended"
    elif received and received > today:
        errors["report_received_date"] = "The report's arrival cannot be in the future"
    if submitted and not received:
        errors["plan_submitted_date"] = "Give the date the report was received first"
    elif submitted and received and submitted < received:
        errors["plan_submitted_date"] = "The plan cannot be sent before the report arrived"
    elif submitted and submitted > today:
        errors["plan_submitted_date"] = "The plan's submission cannot be in the future"
    return errors
