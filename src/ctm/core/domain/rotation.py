"""Key rotation: count the stored encrypted values per key id, re-encrypt them under the current key.

Covers everything `ctm.core.encrypted` knows: every encrypted column of every model, and every
declared kind of encrypted bytes (attachments, uploaded datasets, release previews, uploaded lists).

A column's key id is read from its stored text (`v1:<key id>:...`, a `Cast` to `TextField` skips the
field's decryption), a blob's from the key-id column beside it: nothing is decrypted to count.
Re-encryption works in batches, one transaction per batch, with the batch's rows locked: a crash leaves
every value readable (under the old key or the new one, both in the ring) and a second run goes on
where the first stopped, leaving rows already under the current key alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Cast, StrIndex, Substr

from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.encrypted import EncryptedBlobs, encrypted_columns, registered_blobs
from ctm.core.fields import EncryptedTextField
from ctm.core.reads import identifying_access

BATCH = 500
BLOB_BATCH = 50  # blobs are up to a few MB each

Advance = Callable[[int], Any]


@dataclass
class Rotated:
    rows: int = 0  # rows whose encrypted columns were re-encrypted
    blobs: int = 0  # encrypted byte strings re-encrypted


def raw(field: EncryptedTextField) -> Cast:
    """The stored text of an encrypted column, without decryption."""
    return Cast(field.attname, models.TextField())


def key_id_expr(field: EncryptedTextField) -> Substr:
    """The key id inside `v1:<key id>:<payload>`, computed by the database."""
    after_prefix = Substr(raw(field), 4)
    return Substr(after_prefix, 1, StrIndex(after_prefix, models.Value(":")) - 1)


def _stale_q(field: EncryptedTextField, current: str) -> models.Q:
    return models.Q(**{f"_raw_{field.attname}__startswith": f"{crypto.PREFIX}:"}) & ~models.Q(
        **{f"_raw_{field.attname}__startswith": f"{crypto.PREFIX}:{current}:"}
    )


def stale_rows(
    model: type[models.Model], fields: list[EncryptedTextField], current: str
) -> models.QuerySet[Any]:
    """Rows with at least one encrypted column under another key than `current`."""
    qs = model._default_manager.annotate(**{f"_raw_{f.attname}": raw(f) for f in fields})
    q = models.Q()
    for f in fields:
        q |= _stale_q(f, current)
    return qs.filter(q)


def stale_blobs(blobs: EncryptedBlobs, current: str) -> models.QuerySet[Any]:
    return blobs.stored().exclude(**{blobs.key_field: current})


# --- counting ---------------------------------------------------------------------------------------


def _column_counts(model: type[models.Model], field: EncryptedTextField) -> Counter[tuple[str, str]]:
    rows = (
        model._default_manager.annotate(_raw=raw(field))
        .filter(_raw__startswith=f"{crypto.PREFIX}:")
        .annotate(_key=key_id_expr(field))
        .values("_key")
        .annotate(n=models.Count("pk"))
    )
    where = f"{model._meta.db_table}.{field.column}"
    return Counter({(where, row["_key"]): row["n"] for row in rows})


def _blob_counts(blobs: EncryptedBlobs) -> Counter[tuple[str, str]]:
    rows = blobs.stored().values(blobs.key_field).annotate(n=models.Count("pk"))
    return Counter({(blobs.name, row[blobs.key_field]): row["n"] for row in rows})


def key_counts() -> Counter[tuple[str, str]]:
    """(where, key id) → number of stored values, for every encrypted column and every declared blob."""
    counts: Counter[tuple[str, str]] = Counter()
    for model, fields in encrypted_columns():
        for field in fields:
            counts.update(_column_counts(model, field))
    for blobs in registered_blobs():
        counts.update(_blob_counts(blobs))
    return counts


def count_stale(current: str) -> int:
    """Rows and blobs holding a value under another key than `current`."""
    rows: int = sum(stale_rows(m, fs, current).count() for m, fs in encrypted_columns())
    blobs: int = sum(stale_blobs(b, current).count() for b in registered_blobs())
    return rows + blobs


# --- re-encrypting ----------------------------------------------------------------------------------


def reencrypt_columns(
    model: type[models.Model], fields: list[EncryptedTextField], current: str, advance: Advance
) -> int:
    """Re-encrypt every value of `model` not under `current`, a batch per transaction. Returns rows done."""
    done = 0
    names = [f.attname for f in fields]
    while True:
        pks = list(stale_rows(model, fields, current).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not pks:
            return done
        with transaction.atomic(), identifying_access("key rotation (logged: core.keys.rotated)"):
            # Loading decrypts (any key of the ring); bulk_update encrypts again under the current key.
            objs = list(model._default_manager.select_for_update().filter(pk__in=pks).only("pk", *names))
            model._default_manager.bulk_update(objs, names, batch_size=BATCH)
        done += len(objs)
        advance(len(objs))


def reencrypt_blobs(blobs: EncryptedBlobs, current: str, advance: Advance) -> int:
    """Re-encrypt every declared blob of one kind not under `current`, a batch per transaction.

    Written with a queryset update: no `save()` runs, so nothing else about the row changes (a
    published release stays as it was published; only its preview's ciphertext is renewed)."""
    done = 0
    manager = blobs.model._default_manager
    fields = ("pk", blobs.key_field, blobs.blob_field, *blobs.context_fields)
    while True:
        pks = list(stale_blobs(blobs, current).order_by("pk").values_list("pk", flat=True)[:BLOB_BATCH])
        if not pks:
            return done
        with transaction.atomic():
            rows = list(stale_blobs(blobs, current).select_for_update().filter(pk__in=pks).only(*fields))
            for row in rows:
                context = blobs.context(row)
                data = crypto.decrypt_bytes(
                    getattr(row, blobs.key_field), bytes(getattr(row, blobs.blob_field)), context
                )
                key_id, blob = crypto.encrypt_bytes(data, context)
                manager.filter(pk=row.pk).update(**{blobs.key_field: key_id, blobs.blob_field: blob})
        done += len(rows)
        advance(len(rows))


def rotate(*, actor: str, advance: Advance) -> Rotated:
    """Re-encrypt every encrypted column and every declared blob under the current key; log it once."""
    current = crypto.current_key_id()
    result = Rotated()
    for model, fields in encrypted_columns():
        result.rows += reencrypt_columns(model, fields, current, advance)
    for blobs in registered_blobs():
        result.blobs += reencrypt_blobs(blobs, current, advance)
    record(
        "core.keys.rotated",
        actor=actor,
        changes={"key_id": [None, current], "rows": [None, result.rows], "blobs": [None, result.blobs]},
    )
    return result
