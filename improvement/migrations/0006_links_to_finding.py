"""Actions' history of linked findings names the renamed Finding model."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("improvement", "0005_sign_off_and_finding_state"),
        ("inspections", "0006_recommendation_is_finding"),
    ]

    operations = [
        migrations.RenameField("HistoricalAction_findings", "recommendation", "finding"),
    ]
