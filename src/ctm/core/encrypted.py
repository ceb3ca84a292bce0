"""Where CTM stores encrypted data: what `ctm keys status` counts and `ctm keys rotate` re-encrypts.

Two kinds, both found without a list to keep up to date by hand:

- **columns**: every model field of an `EncryptedTextField` class (`EncryptedJSONField`,
  `EncryptedDateField`, ...) in every installed app, found by walking the models.
- **blobs**: bytes encrypted with `crypto.encrypt_bytes`, stored in a `BinaryField` next to the key id
  they were written under (an attachment, an uploaded dataset, a release preview, an uploaded list).
  The app that owns the model declares it with `register_blobs` from its `AppConfig.ready()`, giving
  the function that computes the ciphertext's associated data (its "context") from the row.

A `BinaryField` that no app declared fails `ctm check` (`ctm.E001`, see `ctm.core.checks`): a new kind of
encrypted bytes cannot be left out of the rotation silently. CTM keeps no encrypted file on disk (the
files of a published release are anonymized, an erasure export is plaintext by design and leaves CTM);
an app that ever does adds a kind here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from ctm.core.fields import EncryptedTextField, encrypted_fields


@dataclass(frozen=True)
class EncryptedBlobs:
    """A model whose rows hold bytes encrypted with `crypto.encrypt_bytes` and the key id they used."""

    model: type[models.Model]
    context: Callable[[Any], str]  # row → the associated data the bytes were encrypted with
    context_fields: tuple[str, ...] = ()  # the fields `context` reads (loaded with the bytes)
    key_field: str = "key_id"
    blob_field: str = "blob"

    @property
    def name(self) -> str:
        return f"{self.model._meta.db_table}.{self.model._meta.get_field(self.blob_field).column}"

    def stored(self) -> models.QuerySet[Any]:
        """The rows that hold encrypted bytes (an upload not yet made, a preview not yet run hold none)."""
        return (
            self.model._default_manager.exclude(**{self.key_field: ""})
            .exclude(**{self.key_field: None})
            .exclude(**{f"{self.blob_field}__isnull": True})
        )


_blobs: dict[str, EncryptedBlobs] = {}


def register_blobs(
    model: type[models.Model],
    context: Callable[[Any], str],
    *,
    context_fields: tuple[str, ...] = (),
    key_field: str = "key_id",
    blob_field: str = "blob",
) -> None:
    """Declare encrypted bytes (called from the owning app's `AppConfig.ready()`; repeating is harmless)."""
    entry = EncryptedBlobs(model, context, context_fields, key_field, blob_field)
    _blobs[entry.name] = entry


def registered_blobs() -> list[EncryptedBlobs]:
    return [_blobs[name] for name in sorted(_blobs)]


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted fields, with those fields."""
    found = [(m, encrypted_fields(m)) for m in apps.get_models()]
    return [(m, fields) for m, fields in found if fields]


def undeclared_binary_fields() -> list[str]:
    """`app_label.Model.field` of every BinaryField of an installed model that no app declared."""
    declared = {(b.model, b.blob_field) for b in _blobs.values()}
    return [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.BinaryField) and (model, field.name) not in declared
    ]
