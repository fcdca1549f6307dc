# Indexes for the lists' sorts and filters at national scale (issue 16).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("improvement", "0009_measures")]

    operations = []
