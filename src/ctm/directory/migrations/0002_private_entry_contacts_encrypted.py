"""A private directory entry's contact fields encrypted at rest (address, phone, emergency line, email,
notes): the columns become text, every stored value is encrypted in place (AES-GCM, the column bound
into the ciphertext as `EncryptedTextField` does), then the fields are the sealed encrypted ones.

Run again on rows already encrypted, it leaves them as they are. Reversed, it decrypts them back
(a rollback of the release; the values then fit the old lengths, which the forms enforced).
"""

from django.db import migrations, models

from ctm.core import crypto
import ctm.core.fields

FIELDS = ("address", "phone", "emergency_line", "email", "notes")
TABLE = "directory_privateentry"


def _encrypted(value: str) -> bool:
    return value.startswith(f"{crypto.PREFIX}:")


def encrypt_rows(apps, schema_editor):
    Entry = apps.get_model("directory", "PrivateEntry")
    for row in Entry.objects.using(schema_editor.connection.alias).values("pk", *FIELDS).iterator():
        changed = {
            name: crypto.encrypt(row[name], f"{TABLE}.{name}")
            for name in FIELDS
            if row[name] and not _encrypted(row[name])
        }
        if changed:
            Entry.objects.using(schema_editor.connection.alias).filter(pk=row["pk"]).update(**changed)


def decrypt_rows(apps, schema_editor):
    Entry = apps.get_model("directory", "PrivateEntry")
    for row in Entry.objects.using(schema_editor.connection.alias).values("pk", *FIELDS).iterator():
        changed = {
            name: crypto.decrypt(row[name], f"{TABLE}.{name}") for name in FIELDS if row[name] and _encrypted(row[name])
        }
        if changed:
            Entry.objects.using(schema_editor.connection.alias).filter(pk=row["pk"]).update(**changed)


def _text(name: str, label: str) -> migrations.AlterField:
    return migrations.AlterField(
        model_name="privateentry", name=name, field=models.TextField(blank=True, verbose_name=label)
    )


def _sealed(name: str, label: str) -> migrations.AlterField:
    return migrations.AlterField(
        model_name="privateentry", name=name, field=ctm.core.fields.EncryptedTextField(blank=True, verbose_name=label)
    )


LABELS = {
    "address": "address",
    "phone": "phone",
    "emergency_line": "emergency line",
    "email": "email",
    "notes": "notes",
}


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
    ]

    operations = [
        *[_text(name, label) for name, label in LABELS.items()],
        migrations.RunPython(encrypt_rows, decrypt_rows),
        *[_sealed(name, label) for name, label in LABELS.items()],
    ]
