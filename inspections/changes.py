"""What an import would change, said as the person confirming it reads it."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from .models import Inspection


@dataclass(frozen=True)
class Change:
    """One thing an import adds, removes or changes, as the person confirming reads it."""

    what: str
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        if self.before and self.after:
            return f"{self.what}: {self.before} -> {self.after}"
        if self.after:
            return f"{self.what} added: {self.after}"
        return f"{self.what} removed: {self.before}"


@dataclass
class ImportSummary:
    inspection: Inspection | None
    created: bool
    changes: list[Change] = field(default_factory=list)
    dry_run: bool = False
    needs_confirmation: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return bool(self.changes or self.created) and not (self.dry_run or self.needs_confirmation)

    @property
    def result(self) -> str:
        """One or two words for a table of many imports."""
        if not (self.changes or self.created):
            return "no changes"
        if self.needs_confirmation:
            return "needs confirmation"
        verb = "create" if self.created else "update"
        return f"would {verb}" if self.dry_run else f"{verb}d"

    @property
    def fingerprint(self) -> str:
        """Identifies the list of changes, so a confirmation applies to exactly what was shown."""
        return hashlib.sha256("\n".join(map(str, self.changes)).encode()).hexdigest()

    def lines(self) -> list[str]:
        verb = "create" if self.created else "update"
        if not (self.changes or self.created):
            head = f"No changes: {self.inspection} is already up to date."
        elif self.needs_confirmation and not self.dry_run:
            head = (
                f"{self.inspection} is already held; this file would change it. "
                "Nothing was written: check the changes below and confirm."
            )
        elif self.dry_run:
            head = f"Would {verb} {self.inspection}"
        else:
            head = f"{verb.capitalize()}d {self.inspection}"
        return [head, *(f"  - {c}" for c in self.changes)]

    def warnings(self) -> list[str]:
        notes = list(self.notes)
        authority = self.inspection.authority if self.inspection else None
        if authority is not None and not authority.members.exists():
            notes.append(
                f"{authority} has no members yet: nobody can see its improvement plan until "
                "an admin adds people to it (Local authorities, Members)."
            )
        return notes


def show(value: object) -> str:
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value) if value else "(none)"


def numbers(numbers) -> str:
    """'1-12, 15' for the paragraph numbers 1..12 and 15."""
    ordered = sorted(numbers)
    runs: list[list[int]] = []
    for n in ordered:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def difference(before: str, after: str, context: int = 40) -> tuple[str, str]:
    """The part of two long texts that differs, with a little context either side."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    lead = max(0, start - context)

    def excerpt(text: str) -> str:
        stop = min(len(text), len(text) - end + context)
        return ("…" if lead else "") + text[lead:stop] + ("…" if stop < len(text) else "")

    return excerpt(before) or "(empty)", excerpt(after) or "(empty)"
