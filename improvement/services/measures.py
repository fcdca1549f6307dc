"""Leaders set up outcome measures; owners (and leaders) record their values.

A value is never changed: a different figure for a period that has one is a
correction, written as a new value pointing at the one it corrects, with a note
saying why. Two people correcting the same figure at once cannot both win: the
second is refused (each value can be corrected once) and told what is there now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.models import Finding, LocalAuthority

from .. import impact, selectors
from ..access import can_lead, plan_errors
from ..models import Action, Measure, MeasureTarget, MeasureValue
from ..people import display_name
from .locking import history_reason

# What a leader sets on a measure, besides its links and interim targets.
MEASURE_FIELDS = (
    "name",
    "definition",
    "source",
    "unit",
    "direction",
    "frequency",
    "target",
    "target_date",
    "owner",
)


class MeasureChanged(Exception):
    """The measure, or a value being corrected, changed after the form was opened."""

    def __init__(self, measure: Measure, message: str):
        self.measure = measure
        super().__init__(message)


def _check_targets(
    *, target_date: dt.date, interim: Sequence[tuple[dt.date, Decimal]], unit: str
) -> dict[str, str]:
    problems = []
    dates = [d for d, _ in interim]
    if len(set(dates)) != len(dates):
        problems.append("two interim targets have the same date")
    for day, value in interim:
        if day >= target_date:
            problems.append(f"the interim target for {day:%-d %B %Y} is not before the target date")
        if problem := impact.unit_errors(unit, value):
            problems.append(f"the interim target for {day:%-d %B %Y} {problem}")
    return {"interim_targets": "; ".join(problems).capitalize() + "."} if problems else {}


def _refuse_if_invalid(measure: Measure, interim: Sequence[tuple[dt.date, Decimal]]) -> None:
    """Raise every problem with the measure and its interim targets at once."""
    errors = _check_targets(target_date=measure.target_date, interim=interim, unit=measure.unit)
    try:
        measure.full_clean()
    except ValidationError as exc:
        errors = exc.message_dict | errors  # type: ignore[assignment]
    if errors:
        raise ValidationError(errors)


def _set_links(measure: Measure, findings: Sequence[Finding], actions: Sequence[Action]) -> None:
    errors = plan_errors(authority=measure.authority, findings=findings)
    if any(a.authority_id != measure.authority_id for a in actions):
        errors["actions"] = f"Only actions of {measure.authority} can be linked."
    if errors:
        raise ValidationError(errors)
    measure.findings.set(findings)
    measure.actions.set(actions)


def _set_interim(measure: Measure, interim: Sequence[tuple[dt.date, Decimal]]) -> None:
    wanted = dict(interim)
    existing = {t.date: t for t in measure.interim_targets.all()}
    for day, target in existing.items():
        if day not in wanted:
            target.delete()
        elif target.value != wanted[day]:
            target.value = wanted[day]
            target.save()
    for day, value in wanted.items():
        if day not in existing:
            MeasureTarget.objects.create(measure=measure, date=day, value=value)


def measure_create(
    *,
    authority: LocalAuthority,
    author,
    findings: Sequence[Finding] = (),
    actions: Sequence[Action] = (),
    interim: Sequence[tuple[dt.date, Decimal]] = (),
    **fields,
) -> Measure:
    """A new measure in an authority's plan, set up by one of its leaders."""
    if not can_lead(author, authority):
        raise PermissionDenied
    measure = Measure(authority=authority, **{k: fields[k] for k in MEASURE_FIELDS if k in fields})
    _refuse_if_invalid(measure, interim)
    with transaction.atomic():
        measure._change_reason = history_reason(f"Added by {display_name(author)}")  # type: ignore[attr-defined]
        measure.save()
        _set_links(measure, findings, actions)
        _set_interim(measure, interim)
    return measure


def measure_edit(
    *,
    measure: Measure,
    editor,
    expected_version: int,
    findings: Sequence[Finding],
    actions: Sequence[Action],
    interim: Sequence[tuple[dt.date, Decimal]],
    **fields,
) -> Measure:
    """Change a measure; refused if it changed since the form was opened."""
    if not can_lead(editor, measure.authority):
        raise PermissionDenied
    with transaction.atomic():
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        if current.version != expected_version:
            raise MeasureChanged(
                current,
                "Someone changed this measure after you opened this page. Nothing was saved: "
                "check it as it is now and make your changes again.",
            )
        for name in MEASURE_FIELDS:
            if name in fields:
                setattr(current, name, fields[name])
        _refuse_if_invalid(current, interim)
        current._change_reason = history_reason(f"Changed by {display_name(editor)}")  # type: ignore[attr-defined]
        current.save()
        _set_links(current, findings, actions)
        _set_interim(current, interim)
    return current


@dataclass(frozen=True)
class ValueEntry:
    """A figure someone gave for a measure's period, and the value they saw there (if any)."""

    measure: Measure
    period: dt.date
    value: Decimal
    england_average: Decimal | None = None
    neighbours_average: Decimal | None = None
    note: str = ""
    seen: int | None = None  # pk of the period's current value when the form was shown


def entry_problems(
    entry: ValueEntry, current: MeasureValue | None, today: dt.date
) -> list[tuple[str, str]]:
    """Why an entry cannot be written, each problem in words with the field it is about
    (empty if it can), so a page (or file) shows it against that field (or column)."""
    measure = entry.measure
    errors = []
    if entry.period != impact.period_start(measure.frequency, entry.period):
        errors.append(("period", "the period must be the first day of a month or quarter"))
    elif impact.period_end(measure.frequency, entry.period) > today:
        errors.append(
            (
                "period",
                f"{measure.period_label(entry.period)} has not ended yet: "
                "enter its value once it has",
            )
        )
    for name in ("value", "england_average", "neighbours_average"):
        figure = getattr(entry, name)
        if figure is not None and (problem := impact.unit_errors(measure.unit, figure)):
            errors.append((name, f"the {name.replace('_', ' ')} {problem}"))
    if current is not None and is_correction(entry, current) and not entry.note.strip():
        errors.append(
            (
                "note",
                f"{measure.period_label(entry.period)} already has a value "
                f"({measure.display(current.value)}): say in the note why it changed",
            )
        )
    return errors


def is_correction(entry: ValueEntry, current: MeasureValue) -> bool:
    """True if the entry gives a different figure (or comparator) from the current value."""
    return (entry.value, entry.england_average, entry.neighbours_average) != (
        current.value,
        current.england_average,
        current.neighbours_average,
    )


def current_values(entries: Sequence[ValueEntry]) -> dict[tuple[int, dt.date], MeasureValue]:
    """The current value of each entry's measure and period, in one query."""
    return selectors.current_values((e.measure.pk, e.period) for e in entries)


def measure_record_values(
    *, author, entries: Sequence[ValueEntry], via: str = MeasureValue.Via.FORM
) -> dict[str, int]:
    """Write every entry or none: new values, corrections (with notes) and no-ops.

    Each measure must be one the author may enter values for. Raises
    ValidationError naming each entry's problems, or MeasureChanged if a
    figure was entered or corrected by someone else after the form was shown.
    """
    allowed = set(
        Measure.objects.enterable_by(author)
        .filter(pk__in={e.measure.pk for e in entries})
        .values_list("pk", flat=True)
    )
    if any(e.measure.pk not in allowed for e in entries):
        raise PermissionDenied
    today = timezone.localdate()
    counts = {"added": 0, "corrected": 0, "unchanged": 0}
    now = timezone.now()
    try:
        with transaction.atomic():
            current = current_values(entries)
            errors: dict[str, list[str]] = {}
            for entry in entries:
                was = current.get((entry.measure.pk, entry.period))
                if (was.pk if was else None) != entry.seen:
                    raise MeasureChanged(
                        entry.measure,
                        f"Someone entered a value for “{entry.measure}”, "
                        f"{entry.measure.period_label(entry.period)}, after you opened this page. "
                        "Nothing was saved: check the figures as they are now.",
                    )
                # Keyed "measure:period:field", so a page can show each problem by its field.
                for name, message in entry_problems(entry, was, today):
                    key = f"{entry.measure.pk}:{entry.period}:{name}"
                    errors.setdefault(key, []).append(message)
            if errors:
                raise ValidationError(errors)
            for entry in entries:
                was = current.get((entry.measure.pk, entry.period))
                if was is not None and not is_correction(entry, was):
                    counts["unchanged"] += 1
                    continue
                value = MeasureValue(
                    measure=entry.measure,
                    period=entry.period,
                    value=entry.value,
                    england_average=entry.england_average,
                    neighbours_average=entry.neighbours_average,
                    note=entry.note.strip(),
                    corrects=was,
                    via=via,
                    entered_by=author,
                    entered_at=now,
                )
                # The measure and author are in hand: checking that they exist would
                # cost two queries a value, four thousand for an imported file.
                value.full_clean(
                    exclude=["corrects", "measure", "entered_by"], validate_constraints=False
                )
                value.save()
                counts["corrected" if was else "added"] += 1
    except IntegrityError as exc:
        # Someone else wrote the period's first value, or corrected the same one, at the same time.
        raise MeasureChanged(
            entries[0].measure,
            "Someone entered values for these measures at the same time. Nothing was saved: "
            "check the figures as they are now.",
        ) from exc
    return counts
