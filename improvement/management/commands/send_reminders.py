"""Send the daily reminder e-mails. Safe to run more than once a day."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improvement.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail owners their overdue and due-soon actions, and leaders a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say who would get what.")
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD).")

    def handle(self, *args, **options) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from exc
        outcome = send_reminders(today=today, dry_run=options["dry_run"])
        verb = "Would send" if options["dry_run"] else "Sent"
        for label in outcome.sent:
            self.stdout.write(f"{verb}: {label}")
        for label in outcome.already_sent:
            self.stdout.write(f"Already sent today: {label}")
        for label in outcome.no_email:
            self.stdout.write(f"Skipped, no e-mail address: {label}")
        self.stdout.write(
            f"{verb} {len(outcome.sent)}, already sent {len(outcome.already_sent)}, "
            f"skipped {len(outcome.no_email)}."
        )
