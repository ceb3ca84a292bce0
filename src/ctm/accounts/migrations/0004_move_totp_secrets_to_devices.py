"""Data migration: every confirmed `User.totp_secret` becomes a confirmed TOTP device with the same key.

An enrolled user's authenticator app keeps working: the base32 secret the app holds is decoded to the
same bytes and stored (encrypted) as the device's hex key. Unconfirmed secrets (a setup left half-way)
are dropped: they never protected anything. Reversible: the reverse copies the keys back.
"""

from base64 import b32decode, b32encode
from binascii import hexlify, unhexlify

from django.db import migrations


def secrets_to_devices(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    TotpDevice = apps.get_model("accounts", "TotpDevice")
    for user in User.objects.filter(totp_confirmed=True).exclude(totp_secret="").iterator():
        secret = user.totp_secret.strip().replace(" ", "").upper()
        key = b32decode(secret + "=" * (-len(secret) % 8))
        TotpDevice.objects.create(
            user=user, name="authenticator", confirmed=True, key=hexlify(key).decode()
        )


def devices_to_secrets(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    TotpDevice = apps.get_model("accounts", "TotpDevice")
    for device in TotpDevice.objects.filter(confirmed=True).order_by("pk").iterator():
        secret = b32encode(unhexlify(device.key.encode())).decode().rstrip("=")
        User.objects.filter(pk=device.user_id).update(totp_secret=secret, totp_confirmed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_two_factor_devices"),
    ]

    operations = [migrations.RunPython(secrets_to_devices, devices_to_secrets)]
