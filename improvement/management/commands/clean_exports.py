"""Delete downloads written in the background once EXPORT_KEEP_DAYS have passed. Run daily."""

from django.conf import settings
from django.core.management.base import BaseCommand

from improvement.services.exports import export_remove_expired


class Command(BaseCommand):
    help = "Delete background exports, and their files, older than EXPORT_KEEP_DAYS."

    def handle(self, *args, **options) -> None:
        removed = export_remove_expired()
        self.stdout.write(
            f"Deleted {removed} export{'s' if removed != 1 else ''} older than "
            f"{settings.EXPORT_KEEP_DAYS} days."
        )
