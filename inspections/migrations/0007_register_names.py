"""The register learns the short names reports print ("East Riding", "Newcastle")."""

from django.db import migrations

from inspections.register import sync_register


def load_register(apps, schema_editor):
    sync_register(apps.get_model("inspections", "LocalAuthority"))


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0006_recommendation_is_finding"),
    ]

    operations = [migrations.RunPython(load_register, migrations.RunPython.noop)]
