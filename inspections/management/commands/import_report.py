"""Import a published Ofsted report (PDF or text) into an inspection with its findings."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.importer import import_report_file
from inspections.report_parser import ReportError


class Command(BaseCommand):
    help = "Import an Ofsted report: inspection, judgements, recommendations and paragraphs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The report as Ofsted publishes it (.pdf) or as text.")
        parser.add_argument("--authority", default="", help="Use this authority name.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            summary = import_report_file(
                data, authority_name=options["authority"], dry_run=options["dry_run"]
            )
        except ReportError as exc:
            raise CommandError(f"{path.name}: {exc} Nothing was imported.") from exc
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(f"Took {summary.seconds * 1000:.0f} ms.")
