"""Import published Ofsted reports (PDF or text): one file, several, or whole folders.

Each file imports in its own transaction, so one bad file does not stop the
rest; the command ends with a table of every file and exits non-zero if any
was not imported. A re-import that would change an inspection already held is
shown change by change and written only with --yes. `--dry-run --json` prints
each file's extraction as one JSON object per line (JSON Lines) and writes
nothing.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.importer import ImportSummary, UnknownAuthority, import_parsed, read_report
from inspections.report_parser import ParsedReport, ReportError

REPORT_SUFFIXES = {".pdf", ".txt"}


@dataclass
class Outcome:
    """What became of one file."""

    path: Path
    parsed: ParsedReport | None = None
    summary: ImportSummary | None = None
    error: str = ""

    @property
    def result(self) -> str:
        if self.error:
            return "FAILED"
        assert self.summary is not None
        return self.summary.result

    @property
    def failed(self) -> bool:
        return bool(self.error) or (
            self.summary is not None
            and self.summary.needs_confirmation
            and not self.summary.dry_run
        )

    def json(self) -> dict[str, Any]:
        """The stable --json shape: the hand-checked extraction's keys, `file`, and `error`
        for a file that was refused."""
        row: dict[str, Any] = {"file": str(self.path)}
        if self.parsed is not None:
            row.update(self.parsed.to_expected_dict())
        if self.error:
            row["error"] = self.error
        return row


def _authority(o: Outcome) -> str:
    if o.summary and o.summary.inspection:
        return o.summary.inspection.authority.name
    return o.parsed.authority if o.parsed else ""


def _dates(o: Outcome) -> str:
    if o.parsed is None or o.parsed.start_date is None:
        return ""
    start, end = o.parsed.start_date, o.parsed.end_date
    return f"{start}" if end in (None, start) else f"{start} to {end}"


# The closing table's columns, declared once: header and value.
COLUMNS: list[tuple[str, Callable[[Outcome], str]]] = [
    ("file", lambda o: str(o.path)),
    ("authority", _authority),
    ("type", lambda o: o.parsed.type if o.parsed else ""),
    ("dates", _dates),
    ("findings", lambda o: str(len(o.parsed.recommendations)) if o.parsed else ""),
    ("result", lambda o: o.result),
]


def report_files(paths: list[str]) -> list[Path]:
    """The files named, and the .pdf and .txt files under the folders named, in order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
            )
        else:
            found.append(path)  # a missing file is reported in its turn
    return list(dict.fromkeys(found))


class Command(BaseCommand):
    help = (
        "Import Ofsted reports (PDF or text; files or folders): inspection, judgements, "
        "recommendations and paragraphs. Each file in its own transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="Reports as Ofsted publishes them (.pdf) or as text; folders are searched.",
        )
        parser.add_argument(
            "--authority",
            default="",
            help="The local authority (any name the register knows), instead of the report's.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Write the changes a re-import makes to inspections already held.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="With --dry-run: print each file's extraction as a line of JSON.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["json"] and not options["dry_run"]:
            raise CommandError("--json only goes with --dry-run: it writes nothing.")
        files = report_files(options["paths"])
        if not files:
            raise CommandError("No .pdf or .txt files were found there.")
        # With --json, stdout carries only the JSON Lines; the rest goes to stderr.
        say = self.stderr.write if options["json"] else self.stdout.write
        started = time.perf_counter()
        outcomes = []
        for n, path in enumerate(files, start=1):
            say(f"[{n}/{len(files)}] {path}")
            outcome = self._one(path, options)
            outcomes.append(outcome)
            if options["json"]:
                self.stdout.write(json.dumps(outcome.json(), ensure_ascii=False))
            for line in self._lines(outcome):
                say(line)
        for line in _table(outcomes):
            say(line)
        say(f"Took {(time.perf_counter() - started) * 1000:.0f} ms.")
        self._finish(outcomes, options)

    def _one(self, path: Path, options: dict[str, Any]) -> Outcome:
        outcome = Outcome(path)
        started = time.perf_counter()
        try:
            data = path.read_bytes()
        except OSError as exc:
            outcome.error = f"Cannot read {path}: {exc.strerror}."
            return outcome
        try:
            outcome.parsed = read_report(data)
            outcome.summary = import_parsed(
                outcome.parsed,
                source=path.name,
                authority_name=options["authority"],
                dry_run=options["dry_run"],
                confirmed=options["yes"],
            )
        except UnknownAuthority as exc:
            hint = "" if options["authority"] else " Give it with --authority."
            outcome.error = f"{exc}{hint} Nothing was imported."
        except ReportError as exc:
            outcome.error = f"{exc} Nothing was imported."
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the others
            outcome.error = f"Unexpected error ({type(exc).__name__}: {exc}). Nothing was imported."
        if outcome.summary is not None:
            outcome.summary.seconds = time.perf_counter() - started
        return outcome

    def _lines(self, outcome: Outcome) -> list[str]:
        if outcome.error:
            return [f"  {outcome.path.name}: {outcome.error}"]
        assert outcome.summary is not None
        summary = outcome.summary
        lines = [f"  {line}" for line in summary.lines()]
        if summary.needs_confirmation and not summary.dry_run:
            lines.append("  Run again with --yes to write these changes.")
        elif summary.needs_confirmation:
            lines.append("  (A real run would need --yes: it changes an inspection already held.)")
        lines += [f"  Warning: {w}" for w in summary.warnings()]
        lines.append(f"  Took {summary.seconds * 1000:.0f} ms.")
        return lines

    def _finish(self, outcomes: list[Outcome], options: dict[str, Any]) -> None:
        failed = [o for o in outcomes if o.error]
        unconfirmed = [o for o in outcomes if o.failed and not o.error]
        problems = []
        if failed:
            problems.append(
                f"{len(failed)} of {len(outcomes)} file(s) could not be imported: "
                + ", ".join(o.path.name for o in failed)
            )
        if unconfirmed:
            problems.append(
                f"{len(unconfirmed)} file(s) would change inspections already held and were "
                "not written (check the changes, then run again with --yes): "
                + ", ".join(o.path.name for o in unconfirmed)
            )
        if problems:
            raise CommandError(". ".join(problems) + ".")


def _table(outcomes: list[Outcome]) -> list[str]:
    rows = [[header for header, _ in COLUMNS]]
    rows += [[value(o) for _, value in COLUMNS] for o in outcomes]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return ["", lines[0], "  ".join("-" * w for w in widths), *lines[1:]]
