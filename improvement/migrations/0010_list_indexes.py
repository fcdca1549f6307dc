# Indexes for the lists' sorts and filters at national scale (issue 16).
# The single-column indexes on updates' created_at and evidence's added_at give
# way to (created_at, id) and (added_at, id), which also serve the tie-break.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("improvement", "0009_measures")]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="added_at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="historicalevidence",
            name="added_at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="progressupdate",
            name="created_at",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["due_date", "id"], name="action_due_idx"),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["status", "due_date", "id"], name="action_status_due_idx"),
        ),
        migrations.AddIndex(
            model_name="action",
            index=models.Index(
                condition=models.Q(("status", "complete"), _negated=True),
                fields=["due_date", "id"],
                name="action_open_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(fields=["added_at", "id"], name="evidence_added_idx"),
        ),
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(fields=["created_at", "id"], name="update_created_idx"),
        ),
    ]
