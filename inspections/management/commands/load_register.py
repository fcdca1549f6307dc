"""Bring the local authorities in line with the register (inspections/data/)."""

from typing import Any

from django.core.management.base import BaseCommand

from inspections.models import LocalAuthority
from inspections.register import REGISTER_CSV, sync_register


class Command(BaseCommand):
    help = (
        "Load the register of English local authorities: update the authorities it names "
        "(found by any of their names), create the missing ones. Run after the register changes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = sync_register(LocalAuthority)
        self.stdout.write(
            f"{REGISTER_CSV.name}: {created} authorities created, {updated} updated, "
            f"{LocalAuthority.objects.count()} in all."
        )
