"""Load the register of English local authorities; start the history of existing reports.

An existing authority that answers to a register entry's names (the fixtures'
Middlesbrough, or an "X Council" an earlier import made) is updated in place,
keeping its inspections, plan and members; the rest of the register is created.
"""

from django.db import migrations
from django.utils import timezone

from inspections.register import sync_register


def load_register(apps, schema_editor):
    sync_register(apps.get_model("inspections", "LocalAuthority"))


def start_history(apps, schema_editor):
    """Give each inspection and judgement a first history row, so a later re-import's
    change shows what was there before."""
    now = timezone.now()
    for name, fields in [
        (
            "Inspection",
            [
                "id",
                "authority_id",
                "kind",
                "start_date",
                "end_date",
                "published_date",
                "lead_inspector",
                "source_url",
                "summary",
            ],
        ),
        ("Judgement", ["id", "inspection_id", "area", "area_label", "grade"]),
    ]:
        model = apps.get_model("inspections", name)
        historical = apps.get_model("inspections", f"Historical{name}")
        historical.objects.bulk_create(
            historical(
                history_date=now,
                history_type="+",
                history_change_reason="History started",
                **{f: getattr(row, f) for f in fields},
            )
            for row in model.objects.all()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0003_register_and_older_reports"),
    ]

    operations = [
        migrations.RunPython(load_register, migrations.RunPython.noop),
        migrations.RunPython(start_history, migrations.RunPython.noop),
    ]
