# Linkage runs and estimates become background jobs: status, stage, progress, message, error, times.
# Rows made before this migration ran inside the request: they are done (status "done", 100 %),
# started and finished when they were made. New rows start queued (the defaults are changed last).

from django.db import migrations, models
from django.db.models import F

MODELS = ("estimate", "linkagerun")


def mark_existing_done(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("linkage", name)
        model._base_manager.update(started_at=F("created_at"), finished_at=F("created_at"))


def job_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="status",
            field=models.CharField(
                choices=[("queued", "Waiting to start"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                default="done",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="stage",
            field=models.CharField(blank=True, default="done", max_length=20),
        ),
        migrations.AddField(
            model_name=model_name,
            name="progress",
            field=models.PositiveSmallIntegerField(default=100, verbose_name="progress"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="message",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name=model_name,
            name="error",
            field=models.TextField(blank=True, default="", verbose_name="error"),
        ),
        migrations.AddField(
            model_name=model_name,
            name="started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name=model_name,
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]


def new_rows_start_queued(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="status",
            field=models.CharField(
                choices=[("queued", "Waiting to start"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="stage",
            field=models.CharField(blank=True, default="queued", max_length=20),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="progress",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="progress"),
        ),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("linkage", "0001_initial"),
    ]

    operations = [
        *job_fields("estimate"),
        *job_fields("linkagerun"),
        migrations.RunPython(mark_existing_done, migrations.RunPython.noop),
        *new_rows_start_queued("estimate"),
        *new_rows_start_queued("linkagerun"),
    ]
