"""The second factor now lives in django-otp devices (0004 moved it) and failed logins in django-axes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_move_totp_secrets_to_devices"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='failed_logins',
        ),
        migrations.RemoveField(
            model_name='user',
            name='locked_until',
        ),
        migrations.RemoveField(
            model_name='user',
            name='totp_confirmed',
        ),
        migrations.RemoveField(
            model_name='user',
            name='totp_secret',
        ),
    ]
