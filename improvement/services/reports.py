"""Freezing a board report."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections.models import Inspection, LocalAuthority

from ..access import can_lead
from ..models import BoardReport
from ..reports import build_report


class ReportExists(Exception):
    """The same authority and period already has a saved report (not withdrawn)."""

    def __init__(self, existing: BoardReport):
        self.existing = existing
        super().__init__(f"“{existing.title}” already covers this period.")


def scope_key(inspections: Sequence[Inspection]) -> str:
    return ",".join(str(pk) for pk in sorted(i.pk for i in inspections))


def board_report_save(
    *,
    authority: LocalAuthority,
    author,
    title: str,
    start: dt.date,
    end: dt.date,
    inspections: Sequence[Inspection] = (),
    summary: str = "",
    comments: dict[int, str] | None = None,
) -> BoardReport:
    """Freeze the board report for a period that has ended: from now on it never changes.

    Before the period ends a report is a draft "to date", shown but not saved;
    a period already saved (and not withdrawn) is refused with ReportExists.
    """
    if not can_lead(author, authority):
        raise PermissionDenied
    if end >= timezone.localdate():
        raise ValidationError(
            {
                "end": "The period has not ended yet. Until it has, the report is a draft "
                "to date: save it once the period is over"
            }
        )
    if any(i.authority_id != authority.pk for i in inspections):
        raise ValidationError({"inspections": "Choose inspections of this local authority"})
    scope = scope_key(inspections)
    existing = (
        BoardReport.objects.current()
        .filter(authority=authority, period_start=start, period_end=end, scope=scope)
        .first()
    )
    if existing is not None:
        raise ReportExists(existing)
    report = BoardReport(
        authority=authority,
        title=title,
        period_start=start,
        period_end=end,
        scope=scope,
        data=build_report(
            authority=authority,
            start=start,
            end=end,
            inspections=inspections,
            summary=summary,
            comments=comments,
        ),
        created_by=author,
        created_at=timezone.now(),
    )
    report.full_clean()
    report.save()
    return report


def board_report_withdraw(*, report: BoardReport, leader, reason: str) -> BoardReport:
    """Withdraw a report issued in error: kept, marked withdrawn with who, when and why."""
    if not can_lead(leader, report.authority):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why the report is withdrawn"})
    if report.withdrawn_at:
        raise ValidationError({"reason": "This report has already been withdrawn"})
    # The report's content stays frozen: only the withdrawal is recorded on it.
    BoardReport.objects.filter(pk=report.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=leader, withdrawal_reason=reason.strip()
    )
    report.refresh_from_db()
    return report
