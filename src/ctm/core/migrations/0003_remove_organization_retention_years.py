# The retention period now lives in core.RetentionRule (copied there by 0002).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_retention_rule"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="organization",
            name="retention_years",
        ),
    ]
