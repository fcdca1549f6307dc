"""Load the demo data and give the demo accounts fresh random passwords.

Run by `make run`. Safe to run again: fixtures have fixed keys, so a second run
overwrites the demo rows rather than duplicating them, and prints new passwords.
"""

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
FIXTURES = ["inspections.json", "demo_plan.json"]
DEMO_FILES_DIR = FIXTURES_DIR / "evidence_files"


class Command(BaseCommand):
    help = "Load the demo fixtures and print sign-in details for the demo accounts."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for name in FIXTURES:
                call_command("loaddata", str(FIXTURES_DIR / name), verbosity=0)
            credentials = self._reset_demo_passwords()
        self._copy_demo_files()

        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with:"))
        width = max(len(username) for username, _ in credentials)
        for username, password in credentials:
            self.stdout.write(f"  {username.ljust(width)}  {password}")
        self.stdout.write("These passwords are new on every run; nothing else knows them.")

    def _reset_demo_passwords(self) -> list[tuple[str, str]]:
        credentials = []
        for user in get_user_model().objects.filter(username__startswith="demo.").order_by("pk"):
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            credentials.append((user.username, password))
        return credentials

    def _copy_demo_files(self) -> None:
        """Put the demo evidence files where the evidence storage expects them."""
        target = Path(default_storage.path("")) / "demo"
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(DEMO_FILES_DIR.glob("*")):
            if source.is_file():
                shutil.copyfile(source, target / source.name)
