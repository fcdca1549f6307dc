"""Freezing a board report."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from inspections.models import LocalAuthority

from ..access import can_lead
from ..models import BoardReport
from ..reports import build_report


def board_report_save(
    *, authority: LocalAuthority, author, title: str, start: dt.date, end: dt.date
) -> BoardReport:
    """Freeze the board report for a period: from now on it never changes."""
    if not can_lead(author, authority):
        raise PermissionDenied
    report = BoardReport(
        authority=authority,
        title=title,
        period_start=start,
        period_end=end,
        data=build_report(authority=authority, start=start, end=end),
        created_by=author,
        created_at=timezone.now(),
    )
    report.full_clean()
    report.save()
    return report
