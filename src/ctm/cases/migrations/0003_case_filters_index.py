"""One index over every filtered column of the case list, led by the organization: a count filtered on
several columns reads it alone, instead of combining two indexes and then reading the cases (see
docs/benchmarks.md, "Case register")."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_case_list_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='case',
            index=models.Index(
                fields=[
                    'organization',
                    'status',
                    'stage',
                    'is_minor',
                    'office',
                    'owner',
                    'citizenship',
                    'exploitation_country',
                    'exploitation_types',
                ],
                name='case_org_filters',
            ),
        ),
    ]
