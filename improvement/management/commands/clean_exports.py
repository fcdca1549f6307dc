"""Delete downloads written in the background once EXPORT_KEEP_DAYS have passed, and
mark as failed those left unfinished for EXPORT_STALLED_MINUTES. Run daily."""

from django.conf import settings
from django.core.management.base import BaseCommand

from improvement.services.exports import export_mark_stalled, export_remove_expired


class Command(BaseCommand):
    help = (
        "Delete background exports, and their files, older than EXPORT_KEEP_DAYS; mark as "
        "failed those waiting or being written for longer than EXPORT_STALLED_MINUTES."
    )

    def handle(self, *args, **options) -> None:
        stalled = export_mark_stalled()
        if stalled:
            self.stdout.write(
                f"Marked {stalled} export{'s' if stalled != 1 else ''} failed: unfinished after "
                f"{settings.EXPORT_STALLED_MINUTES} minutes."
            )
        removed = export_remove_expired()
        self.stdout.write(
            f"Deleted {removed} export{'s' if removed != 1 else ''} older than "
            f"{settings.EXPORT_KEEP_DAYS} days."
        )
