"""Indexes for the case list at scale: the organization's cases in the list's order (id as tie-break),
the same per filtered column, so that a filtered page reads its rows in order and a count reads an
index only, and two small indexes for the exploitation type filter (see docs/benchmarks.md, "Case
register"). Each index removed begins with the same columns as one added."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='case',
            name='case_org_status_stage',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_org_opened',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_org_owner',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_org_office',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_org_citizenship',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_org_exploit_country',
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', '-opened_on', '-id'], name='case_org_opened_id'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'status', '-opened_on', '-id'], name='case_org_status_opened'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'stage', '-opened_on', '-id'], name='case_org_stage_opened'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'owner', '-opened_on', '-id'], name='case_org_owner_opened'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'office', '-opened_on', '-id'], name='case_org_office_opened'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'citizenship', '-opened_on', '-id'], name='case_org_citizenship_opened'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'exploitation_country', '-opened_on', '-id'], name='case_org_country_opened'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'is_minor', '-opened_on', '-id'], name='case_org_minor_opened'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'exploitation_types'], name='case_org_exploit_types'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['organization', 'exploitation_country', 'exploitation_types'], name='case_org_country_types'),
        ),
    ]
