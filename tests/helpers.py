"""Small builders for test data: plain functions, no factory library."""

import datetime as dt
from decimal import Decimal
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from improvement.models import (
    Action,
    Evidence,
    Measure,
    MeasureValue,
    ProgressUpdate,
    Status,
    Team,
)
from inspections.models import (
    Finding,
    Inspection,
    Judgement,
    LocalAuthority,
    ReportParagraph,
    Theme,
)

_seq = count(1)


def make_user(username: str | None = None, **fields):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(
        username=username, password="password", email=f"{username}@example.org", **fields
    )


def make_authority(name: str = "Middlesbrough", **fields) -> LocalAuthority:
    """The authority with this name, made if it does not exist yet."""
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    return LocalAuthority.objects.get_or_create(name=name, defaults=fields)[0]


def make_inspection(authority: LocalAuthority | None = None, **fields) -> Inspection:
    """The inspection of this type and start date, made if it does not exist yet."""
    kind = fields.pop("kind", Inspection.Kind.STANDARD)
    start_date = fields.pop("start_date", dt.date(2023, 3, 6))
    return Inspection.objects.get_or_create(
        authority=authority or make_authority(), kind=kind, start_date=start_date, defaults=fields
    )[0]


def make_judgement(inspection: Inspection, area: str, grade: str) -> Judgement:
    return Judgement.objects.create(inspection=inspection, area=area, grade=grade)


def make_paragraph(inspection: Inspection, number: int, **fields) -> ReportParagraph:
    fields.setdefault("text", f"Paragraph {number} text.")
    return ReportParagraph.objects.create(inspection=inspection, number=number, **fields)


def make_theme(name: str = "Contingency planning") -> Theme:
    return Theme.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def make_finding(inspection: Inspection | None = None, **fields) -> Finding:
    inspection = inspection or make_inspection()
    fields.setdefault("order", inspection.findings.count() + 1)
    fields.setdefault("text", "The quality of contingency planning.")
    return Finding.objects.create(inspection=inspection, **fields)


def make_team(name: str = "Children in care", members=()) -> Team:
    team = Team.objects.create(name=name)
    team.members.set(members)
    return team


def make_action(findings=(), **fields) -> Action:
    findings = list(findings) or [make_finding()]
    fields.setdefault("title", "Audit contingency plans")
    fields.setdefault("authority", findings[0].inspection.authority)
    action = Action.objects.create(**fields)
    action.findings.set(findings)
    return action


def make_update(action: Action, author, status: str = Status.IN_PROGRESS, **fields):
    return ProgressUpdate.objects.create(
        action=action,
        author=author,
        created_at=fields.pop("created_at", timezone.now()),
        status_before=fields.pop("status_before", action.status),
        status_after=status,
        note=fields.pop("note", "Audit started."),
        **fields,
    )


def make_evidence(action: Action, added_by, **fields) -> Evidence:
    fields.setdefault("title", "Audit summary")
    fields.setdefault("kind", Evidence.Kind.CASE_AUDIT)
    fields.setdefault("url", "https://intranet.example.org/audit")
    fields.setdefault("added_at", timezone.now())
    return Evidence.objects.create(action=action, added_by=added_by, **fields)


def make_measure(authority: LocalAuthority, owner, findings=(), **fields) -> Measure:
    """A monthly percentage measure, higher is better, 50% → 70% by the end of 2026."""
    fields.setdefault("name", f"Measure {next(_seq)}")
    fields.setdefault("definition", "Assessments completed within 45 working days, of all.")
    fields.setdefault("unit", "percentage")
    fields.setdefault("direction", "higher")
    fields.setdefault("frequency", "monthly")
    fields.setdefault("target", Decimal("70"))
    fields.setdefault("target_date", dt.date(2026, 12, 31))
    measure = Measure.objects.create(authority=authority, owner=owner, **fields)
    measure.findings.set(findings)
    return measure


def make_measure_for(findings=(), **fields):
    """A measure of the findings' authority; monthly, a percentage, higher is better."""
    findings = list(findings)
    fields.setdefault("authority", findings[0].inspection.authority if findings else None)
    fields.setdefault("name", "Visits on time")
    fields.setdefault("definition", "Children in care visited within the statutory timescale.")
    fields.setdefault("unit", "percentage")
    fields.setdefault("direction", "higher")
    fields.setdefault("frequency", "monthly")
    fields.setdefault("target", Decimal(90))
    fields.setdefault("target_date", dt.date(2024, 12, 31))
    measure = Measure.objects.create(**fields)
    measure.findings.set(findings)
    return measure


def make_value(measure: Measure, period: dt.date, value, entered_by, **fields) -> MeasureValue:
    fields.setdefault("entered_at", timezone.now())
    return MeasureValue.objects.create(
        measure=measure, period=period, value=Decimal(str(value)), entered_by=entered_by, **fields
    )


def streamed(response) -> bytes:
    """A CSV download's body: CSV is streamed, so the response has no `content`."""
    assert response.streaming, "a CSV download is streamed"
    return b"".join(response.streaming_content)
