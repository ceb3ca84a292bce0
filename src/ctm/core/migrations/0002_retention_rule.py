# The retention rule per organization; each organization's `retention_years` becomes its rule.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_retention_years(apps, schema_editor):
    Organization = apps.get_model("core", "Organization")
    RetentionRule = apps.get_model("core", "RetentionRule")
    for org in Organization.objects.all():
        RetentionRule.objects.get_or_create(
            organization=org, defaults={"years_after_closure": org.retention_years}
        )


def copy_back(apps, schema_editor):
    Organization = apps.get_model("core", "Organization")
    RetentionRule = apps.get_model("core", "RetentionRule")
    for rule in RetentionRule.objects.all():
        Organization.objects.filter(pk=rule.organization_id).update(retention_years=rule.years_after_closure)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RetentionRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("years_after_closure", models.PositiveSmallIntegerField(default=10, help_text="Counted from the day the person's last case was closed.", verbose_name="keep identifying data after closure (years)")),
                ("require_export", models.BooleanField(default=True, help_text="The person's full record is written to an export archive before it is erased.", verbose_name="export the record before erasure")),
                ("keep_statistics", models.BooleanField(default=True, help_text="Keep gender, age, citizenship, victim context and trafficking events (countries and dates, never places) for statistics after the erasure.", verbose_name="keep non-identifying statistics")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("organization", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="retention_rule", to="core.organization")),
                ("updated_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "retention rule",
            },
        ),
        migrations.RunPython(copy_retention_years, copy_back),
    ]
