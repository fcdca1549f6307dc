"""Write a parsed Ofsted report into the database: all of it, or nothing.

The authority comes from the register (`LocalAuthority.objects.resolve`): a
report never creates one. Importing the same report twice changes nothing. A
report whose inspection is already held (same authority and type, same start
date or overlapping dates) is a re-import: each change it would make is listed
as before -> after, and nothing is written unless the caller confirms. Findings
keep their primary keys (and so their actions), matched by their position in
the report; the history of inspections, judgements and findings records each
change with the file it came from.
"""

import time
from datetime import date

from django.db import models, transaction
from django.db.models import Q
from django.utils.text import Truncator

from .changes import Change, ImportSummary, difference, numbers, show
from .models import (
    Finding,
    Grade,
    Inspection,
    Judgement,
    JudgementArea,
    LocalAuthority,
    ReportParagraph,
    ThemeRule,
)
from .register import AuthorityNotFound
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
    "sif": Inspection.Kind.SIF,
    "other": Inspection.Kind.OTHER,
}


class UnknownAuthority(ReportError):
    """The report's (or the admin's) authority name is not in the register."""


class Rollback(Exception):
    """Raised inside the transaction so that nothing is written (dry run, or unconfirmed)."""


def read_report(data: bytes) -> ParsedReport:
    """The parsed report in a file's bytes (PDF or text). Raises ReportError."""
    return parse_report(extract_text(data))


def import_report_file(
    data: bytes,
    *,
    source: str = "",
    authority_name: str = "",
    dry_run: bool = False,
    confirmed: bool = False,
) -> ImportSummary:
    """Read, parse and import one report file. Raises ReportError with what was wrong."""
    started = time.perf_counter()
    summary = import_parsed(
        read_report(data),
        source=source,
        authority_name=authority_name,
        dry_run=dry_run,
        confirmed=confirmed,
    )
    summary.seconds = time.perf_counter() - started
    return summary


def import_parsed(
    parsed: ParsedReport,
    *,
    source: str = "",
    authority_name: str = "",
    dry_run: bool = False,
    confirmed: bool = False,
    expected_changes: str | None = None,
) -> ImportSummary:
    """Import a parsed report in one transaction.

    A re-import that changes an existing inspection writes only when `confirmed`;
    with `expected_changes` (an `ImportSummary.fingerprint`) only if its changes
    are still exactly the ones that were shown. Everything is checked before
    anything is written; a ReportError says what was wrong.
    """
    kind = KINDS.get(parsed.inspection_kind)
    if kind is None:
        raise ReportError(f"This app does not hold reports of type '{parsed.type}'.")
    judgements = _judgement_rows(parsed, kind)
    _check_fields(parsed, judgements)
    authority = resolve_authority(authority_name or parsed.authority)
    importer = _Importer(parsed, kind, authority, judgements, source)
    summary = ImportSummary(inspection=None, created=False, dry_run=dry_run)
    try:
        with transaction.atomic():
            summary = importer.write()
            summary.dry_run = dry_run
            summary.notes = _other_authority(parsed, authority)
            if summary.changes and not summary.created:
                still_the_same = expected_changes in (None, summary.fingerprint)
                summary.needs_confirmation = not (confirmed and still_the_same)
            if dry_run or summary.needs_confirmation:
                raise Rollback
    except Rollback:
        pass
    return summary


def resolve_authority(name: str) -> LocalAuthority:
    try:
        return LocalAuthority.objects.resolve(name)
    except AuthorityNotFound as exc:
        raise UnknownAuthority(str(exc)) from exc


def _other_authority(parsed: ParsedReport, chosen: LocalAuthority) -> list[str]:
    """A note when the authority was chosen and the report names another the register knows."""
    try:
        named = LocalAuthority.objects.resolve(parsed.authority)
    except AuthorityNotFound:
        return []
    if named == chosen:
        return []
    return [f"The report names {named}, but it was imported as {chosen}'s, as chosen."]


def _judgement_rows(parsed: ParsedReport, kind: str) -> list[tuple[str, str, str]]:
    """(area, area as printed, grade) for each row of the judgement table."""
    rows: list[tuple[str, str, str]] = []
    for label, grade in parsed.judgements:
        label = " ".join(label.split())
        area = match_judgement_area(label)
        if kind == Inspection.Kind.OTHER and (area is None or area in (r[0] for r in rows)):
            area = JudgementArea.OTHER  # a row of a pre-2013 record of main findings
        if area not in JudgementArea.values:
            raise ReportError(f"Unknown judgement area in the judgement table: '{label}'.")
        if any(label == r[1] or (area != JudgementArea.OTHER and area == r[0]) for r in rows):
            raise ReportError(f"The judgement table grades the same area twice: '{label}'.")
        try:
            code = grade_code(grade)
        except KeyError:
            code = ""
        if code not in Grade.values:
            raise ReportError(f"Unknown grade in the judgement table: '{grade}' for '{label}'.")
        rows.append((str(area), label, code))
    return rows


def _check_fields(parsed: ParsedReport, judgements: list[tuple[str, str, str]]) -> None:
    """Refuse, naming the field, what a column cannot hold (PostgreSQL would fail with a
    500, SQLite would silently store it over-length), before anything is written."""
    if parsed.start_date and parsed.end_date and parsed.end_date < parsed.start_date:
        raise ReportError(
            f"The report's end date ({show(parsed.end_date)}) is before its start date "
            f"({show(parsed.start_date)})."
        )
    checks: list[tuple[str, type[models.Model], str, str]] = [
        ("The lead inspector's name", Inspection, "lead_inspector", parsed.lead_inspector or "")
    ]
    checks += [
        (f"The judgement area “{Truncator(label).chars(60)}”", Judgement, "area_label", label)
        for _, label, _ in judgements
    ]
    checks += [
        (f"The section heading of paragraph {p.number}", ReportParagraph, "section", p.section)
        for p in parsed.paragraphs
    ]
    for what, model, name, value in checks:
        column = model._meta.get_field(name)
        limit = column.max_length if isinstance(column, models.Field) else None
        if limit is not None and len(value) > limit:
            raise ReportError(
                f"{what} is {len(value)} characters long; the {name.replace('_', ' ')} field "
                f"({model.__name__}.{name}) holds at most {limit}."
            )


class _Importer:
    """The writes of one import; each method returns the changes it made."""

    def __init__(
        self,
        parsed: ParsedReport,
        kind: str,
        authority: LocalAuthority,
        judgements: list[tuple[str, str, str]],
        source: str,
    ) -> None:
        self.parsed = parsed
        self.kind = kind
        self.authority = authority
        self.judgements = judgements
        self.source = source or "a report file"

    def write(self) -> ImportSummary:
        inspection, created = self._inspection()
        self.reason = f"{'Imported' if created else 'Re-imported'} from {self.source}"
        changes = [] if created else self._sync_details(inspection)
        if created:
            inspection._change_reason = self.reason  # type: ignore[attr-defined]
            inspection.save()
        changes += self._sync_judgements(inspection)
        paragraphs, paragraph_changes = self._sync_paragraphs(inspection)
        changes += paragraph_changes
        changes += self._sync_recommendations(inspection, paragraphs)
        return ImportSummary(inspection=inspection, created=created, changes=changes)

    def _details(self) -> dict[str, date | str | bool | None]:
        return {
            "start_date": self.parsed.start_date,
            "end_date": self.parsed.end_date,
            "published_date": self.parsed.published_date,
            "lead_inspector": self.parsed.lead_inspector or "",
            # A focused visit naming priority actions starts the draft plan's clock.
            "priority_actions": bool(self.parsed.priority_actions),
        }

    def _inspection(self) -> tuple[Inspection, bool]:
        """The inspection this report is of: the one starting the same day, else the one
        whose dates overlap (a corrected date), else a new one (not yet saved)."""
        same = Inspection.objects.filter(authority=self.authority, kind=self.kind)
        start = self.parsed.start_date
        end = self.parsed.end_date or start
        found = same.filter(start_date=start).first()
        if found is None and start is not None and end is not None:
            overlapping = list(
                same.filter(start_date__lte=end).filter(
                    Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start)
                )[:2]
            )
            found = overlapping[0] if len(overlapping) == 1 else None
        if found is not None:
            return found, False
        return Inspection(authority=self.authority, kind=self.kind, **self._details()), True

    def _sync_details(self, inspection: Inspection) -> list[Change]:
        changes = []
        for name, value in self._details().items():
            old = getattr(inspection, name)
            if old != value:
                label = str(getattr(Inspection._meta.get_field(name), "verbose_name", name))
                changes.append(Change(label, show(old), show(value)))
                setattr(inspection, name, value)
        if changes:
            inspection._change_reason = self.reason  # type: ignore[attr-defined]
            inspection.save()
        return changes

    def _sync_judgements(self, inspection: Inspection) -> list[Change]:
        changes = []
        existing = {_key(j.area, j.area_label): j for j in inspection.judgements.all()}
        for area, label, grade in self.judgements:
            judgement = existing.pop(_key(area, label), None)
            if judgement is None:
                judgement = Judgement(inspection=inspection, area=area, area_label=label)
                judgement.grade = grade
                judgement._change_reason = self.reason  # type: ignore[attr-defined]
                judgement.save()
                changes.append(Change("judgement", after=f"{label}: {Grade(grade).label}"))
                continue
            changed = []
            if judgement.grade != grade:
                changes.append(
                    Change(f"{label} grade", Grade(judgement.grade).label, Grade(grade).label)
                )
                changed.append("grade")
            if judgement.area_label != label:
                if judgement.area_label:  # an empty label only meant "the area's name"
                    changes.append(Change("judgement area as printed", judgement.area_label, label))
                changed.append("area_label")
            if changed:
                judgement.grade, judgement.area_label = grade, label
                judgement._change_reason = self.reason  # type: ignore[attr-defined]
                judgement.save(update_fields=changed)
        for judgement in existing.values():
            judgement._change_reason = self.reason  # type: ignore[attr-defined]
            judgement.delete()
            changes.append(Change("judgement", before=str(judgement)))
        return changes

    def _sync_paragraphs(
        self, inspection: Inspection
    ) -> tuple[dict[int, ReportParagraph], list[Change]]:
        changes = []
        existing = {p.number: p for p in inspection.paragraphs.all()}
        kept = {}
        added = []
        for item in self.parsed.paragraphs:
            paragraph = existing.pop(item.number, None)
            if paragraph is None:
                paragraph = ReportParagraph.objects.create(
                    inspection=inspection, number=item.number, section=item.section, text=item.text
                )
                added.append(item.number)
            elif (paragraph.section, paragraph.text) != (item.section, item.text):
                if paragraph.section != item.section:
                    changes.append(
                        Change(f"paragraph {item.number} section", paragraph.section, item.section)
                    )
                if paragraph.text != item.text:
                    changes.append(
                        Change(f"paragraph {item.number}", *difference(paragraph.text, item.text))
                    )
                paragraph.section, paragraph.text = item.section, item.text
                paragraph.save(update_fields=["section", "text"])
            kept[item.number] = paragraph
        if existing:
            ReportParagraph.objects.filter(pk__in=[p.pk for p in existing.values()]).delete()
            changes.append(Change("numbered paragraphs", before=numbers(existing)))
        if added:
            changes.append(Change("numbered paragraphs", after=numbers(added)))
        return kept, changes

    def _sync_recommendations(
        self, inspection: Inspection, paragraphs: dict[int, ReportParagraph]
    ) -> list[Change]:
        changes = []
        rules = list(ThemeRule.objects.select_related("theme"))
        existing = {r.order: r for r in inspection.findings.all()}
        for order, text in enumerate(self.parsed.recommendations, start=1):
            finding = existing.pop(order, None)
            if finding is None:
                finding = Finding(inspection=inspection, order=order, text=text)
                finding._change_reason = self.reason  # type: ignore[attr-defined]
                finding.save()
                changes.append(Change(f"finding {order}", after=Truncator(text).chars(90)))
                _link(finding, rules, paragraphs)
            elif finding.text != text:
                changes.append(Change(f"finding {order} text", finding.text, text))
                finding.text = text
                finding._change_reason = self.reason  # type: ignore[attr-defined]
                finding.save(update_fields=["text"])
        for finding in existing.values():
            if finding.actions.exists():
                raise ReportError(
                    f"The file has no finding {finding.order}, but finding {finding.order} of the "
                    f"existing {inspection} has actions in the improvement plan. Nothing was "
                    "imported; move those actions to another finding first."
                )
            finding._change_reason = self.reason  # type: ignore[attr-defined]
            finding.delete()
            changes.append(
                Change(f"finding {finding.order}", before=Truncator(finding.text).chars(90))
            )
        return changes


def _key(area: str, label: str) -> str:
    """Judgements match by area; the many "other" rows of a pre-2013 report by their words."""
    return f"other: {label}" if area == JudgementArea.OTHER else area


def _link(finding: Finding, rules: list[ThemeRule], paragraphs: dict) -> None:
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
