"""Write a parsed Ofsted report into the database: all of it, or nothing.

Importing the same report twice changes nothing. Importing a corrected file
updates the inspection in place: findings keep their primary keys (and so
their actions), matched by their position in the report.
"""

import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import Truncator, slugify

from .models import (
    Grade,
    Inspection,
    Judgement,
    JudgementArea,
    LocalAuthority,
    Recommendation,
    ReportParagraph,
    ThemeRule,
)
from .report_parser import (
    ParsedReport,
    ReportError,
    extract_text,
    grade_code,
    match_judgement_area,
    parse_report,
)

# The parser's inspection kinds, as this app stores them.
KINDS = {
    "standard": Inspection.Kind.STANDARD,
    "short": Inspection.Kind.SHORT,
    "focused_visit": Inspection.Kind.FOCUSED_VISIT,
    "monitoring_visit": Inspection.Kind.MONITORING_VISIT,
    "jtai": Inspection.Kind.JTAI,
}


@dataclass
class ImportSummary:
    inspection: Inspection | None
    created: bool
    changes: list[str] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0

    def lines(self) -> list[str]:
        verb = "create" if self.created else "update"
        if not (self.changes or self.created):
            head = f"No changes: {self.inspection} is already up to date."
        elif self.dry_run:
            head = f"Would {verb} {self.inspection}"
        else:
            head = f"{verb.capitalize()}d {self.inspection}"
        return [head, *(f"  - {c}" for c in self.changes)]


class DryRunRollback(Exception):
    """Raised inside the transaction so that a dry run writes nothing."""


def import_report_file(
    data: bytes, *, authority_name: str = "", dry_run: bool = False
) -> ImportSummary:
    """Read, parse and import one report file. Raises ReportError with what was wrong."""
    started = time.perf_counter()
    parsed = parse_report(extract_text(data))
    summary = import_parsed(parsed, authority_name=authority_name, dry_run=dry_run)
    summary.seconds = time.perf_counter() - started
    return summary


def import_parsed(
    parsed: ParsedReport, *, authority_name: str = "", dry_run: bool = False
) -> ImportSummary:
    kind = KINDS.get(parsed.inspection_kind)
    if kind is None:
        raise ReportError(f"This app does not hold reports of type '{parsed.type}'.")
    for area, _ in parsed.judgements:
        if match_judgement_area(area) is None:
            raise ReportError(f"Unknown judgement area in the judgement table: '{area}'.")
    try:
        with transaction.atomic():
            summary = _write(parsed, kind, authority_name or parsed.authority, dry_run)
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    return summary


def _write(parsed: ParsedReport, kind: str, authority_name: str, dry_run: bool) -> ImportSummary:
    changes: list[str] = []
    authority = LocalAuthority.objects.filter(name__iexact=authority_name).first()
    if authority is None:
        authority = LocalAuthority.objects.create(
            name=authority_name, slug=_free_slug(authority_name)
        )
        changes.append(f"new local authority {authority_name}")

    details = {
        "end_date": parsed.end_date,
        "published_date": parsed.published_date,
        "lead_inspector": parsed.lead_inspector or "",
    }
    inspection, created = Inspection.objects.get_or_create(
        authority=authority, kind=kind, start_date=parsed.start_date, defaults=details
    )
    changed = [k for k, v in details.items() if getattr(inspection, k) != v]
    if changed:
        for k in changed:
            setattr(inspection, k, details[k])
        inspection.save(update_fields=changed)
        changes.append("inspection details: " + ", ".join(changed))

    changes += _sync_judgements(inspection, parsed)
    paragraphs, paragraph_changes = _sync_paragraphs(inspection, parsed)
    changes += paragraph_changes
    changes += _sync_recommendations(inspection, parsed, paragraphs)
    return ImportSummary(inspection=inspection, created=created, changes=changes, dry_run=dry_run)


def _free_slug(name: str) -> str:
    base = slugify(name) or "authority"
    slug, n = base, 1
    while LocalAuthority.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _sync_judgements(inspection: Inspection, parsed: ParsedReport) -> list[str]:
    changes = []
    wanted = {match_judgement_area(area): grade_code(grade) for area, grade in parsed.judgements}
    existing = {j.area: j for j in inspection.judgements.all()}
    for area, grade in wanted.items():
        judgement = existing.pop(area, None)
        if judgement is None:
            Judgement.objects.create(inspection=inspection, area=area, grade=grade)
            changes.append(f"judgement added: {_judgement(area, grade)}")
        elif judgement.grade != grade:
            judgement.grade = grade
            judgement.save(update_fields=["grade"])
            changes.append(f"judgement changed: {_judgement(area, grade)}")
    for judgement in existing.values():
        judgement.delete()
        changes.append(f"judgement removed: {judgement.get_area_display()}")
    return changes


def _judgement(area: str, grade: str) -> str:
    return f"{JudgementArea(area).label}: {Grade(grade).label}"


def _sync_paragraphs(inspection: Inspection, parsed: ParsedReport):
    changes = []
    existing = {p.number: p for p in inspection.paragraphs.all()}
    kept = {}
    added = updated = 0
    for item in parsed.paragraphs:
        paragraph = existing.pop(item.number, None)
        if paragraph is None:
            paragraph = ReportParagraph.objects.create(
                inspection=inspection, number=item.number, section=item.section, text=item.text
            )
            added += 1
        elif (paragraph.section, paragraph.text) != (item.section, item.text):
            paragraph.section, paragraph.text = item.section, item.text
            paragraph.save(update_fields=["section", "text"])
            updated += 1
        kept[item.number] = paragraph
    if existing:
        ReportParagraph.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
        changes.append(f"{len(existing)} paragraph(s) removed")
    if added:
        changes.append(f"{added} paragraph(s) added")
    if updated:
        changes.append(f"{updated} paragraph(s) corrected")
    return kept, changes


def _sync_recommendations(
    inspection: Inspection, parsed: ParsedReport, paragraphs: dict
) -> list[str]:
    changes = []
    rules = list(ThemeRule.objects.select_related("theme"))
    existing = {r.order: r for r in inspection.recommendations.all()}
    for order, text in enumerate(parsed.recommendations, start=1):
        finding = existing.pop(order, None)
        if finding is None:
            finding = Recommendation.objects.create(inspection=inspection, order=order, text=text)
            changes.append(f"finding {order} added: {Truncator(text).chars(90)}")
            _link(finding, rules, paragraphs)
        elif finding.text != text:
            finding.text = text
            finding._change_reason = "Corrected by a report re-import"
            finding.save(update_fields=["text"])
            changes.append(f"finding {order} text corrected")
    for finding in existing.values():
        if finding.actions.exists():
            raise ReportError(
                f"The file has no finding {finding.order}, but finding {finding.order} of the "
                f"existing {inspection} has actions in the improvement plan. Nothing was imported; "
                "move those actions to another finding first."
            )
        finding.delete()
        changes.append(f"finding {finding.order} removed")
    return changes


def _link(finding: Recommendation, rules: list[ThemeRule], paragraphs: dict) -> None:
    """Themes by the admins' rules; paragraphs that mention any of those themes' phrases."""
    matched = [rule for rule in rules if rule.matches(finding.text)]
    themes = {rule.theme for rule in matched}
    if not themes:
        return
    finding.themes.set(themes)
    theirs = [rule for rule in rules if rule.theme in themes]
    finding.paragraphs.set(
        p for p in paragraphs.values() if any(rule.matches(p.text) for rule in theirs)
    )
