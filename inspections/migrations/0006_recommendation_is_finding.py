"""The model that holds a finding is called Finding, as pages call it (was Recommendation).

Renames keep every row: findings, their history, and the links from actions.
"""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0005_plan_clock"),
        # Every reference to the old name must exist before the rename repoints it.
        ("improvement", "0005_sign_off_and_finding_state"),
    ]

    operations = [
        migrations.RenameModel("Recommendation", "Finding"),
        migrations.RenameModel("HistoricalRecommendation", "HistoricalFinding"),
        migrations.RenameModel("HistoricalRecommendation_themes", "HistoricalFinding_themes"),
        migrations.RenameField("HistoricalFinding_themes", "recommendation", "finding"),
        migrations.AlterModelOptions(
            name="historicalfinding_themes",
            options={"verbose_name": "HistoricalFinding_themes"},
        ),
        migrations.AlterField(
            model_name="finding",
            name="inspection",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="findings",
                to="inspections.inspection",
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="themes",
            field=models.ManyToManyField(blank=True, related_name="findings", to="inspections.theme"),
        ),
        migrations.AlterField(
            model_name="finding",
            name="paragraphs",
            field=models.ManyToManyField(
                blank=True,
                help_text="Report paragraphs that evidence this finding.",
                related_name="findings",
                to="inspections.reportparagraph",
            ),
        ),
    ]
