"""`ctm keys status` and `ctm keys rotate [--generate]`: the data-encryption keys.

`rotate` re-encrypts, under the current (first) key, every encrypted value written under an older one:
every `EncryptedTextField` of every model and every attachment's bytes. It reads the stored ciphertext
as plain text (a `Cast` to `TextField` skips the field's decryption) to learn the key id of each value
without decrypting it, works in batches, one transaction per batch, and can be run again safely: rows
already under the current key are left alone. Keep the old keys in the ring until it reports nothing
left under them; only then remove them from CTM_ENCRYPTION_KEYS.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast, StrIndex, Substr
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.fields import EncryptedTextField, encrypted_fields
from ctm.core.keys import add_dev_encryption_key, load_dev_secrets

BATCH = 500


def raw(field: EncryptedTextField) -> Cast:
    """The stored text of an encrypted column, without decryption."""
    return Cast(field.attname, models.TextField())


def key_id_expr(field: EncryptedTextField) -> Substr:
    """The key id inside `v1:<key id>:<payload>`, computed by the database."""
    after_prefix = Substr(raw(field), 4)
    return Substr(after_prefix, 1, StrIndex(after_prefix, models.Value(":")) - 1)


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    found = [(m, encrypted_fields(m)) for m in apps.get_models()]
    return [(m, fields) for m, fields in found if fields]


def stale_q(field: EncryptedTextField, current: str) -> models.Q:
    return models.Q(**{f"_raw_{field.attname}__startswith": f"{crypto.PREFIX}:"}) & ~models.Q(
        **{f"_raw_{field.attname}__startswith": f"{crypto.PREFIX}:{current}:"}
    )


def stale_rows(model: type[models.Model], fields: list[EncryptedTextField], current: str) -> models.QuerySet:
    qs = model._base_manager.annotate(**{f"_raw_{f.attname}": raw(f) for f in fields})
    q = models.Q()
    for f in fields:
        q |= stale_q(f, current)
    return qs.filter(q)


def key_counts() -> Counter[tuple[str, str]]:
    """(what, key id) → number of stored values, for every encrypted column and the attachments."""
    counts: Counter[tuple[str, str]] = Counter()
    for model, fields in encrypted_models():
        for f in fields:
            rows = (
                model._base_manager.annotate(_raw=raw(f))
                .filter(_raw__startswith=f"{crypto.PREFIX}:")
                .annotate(_key=key_id_expr(f))
                .values("_key")
                .annotate(n=models.Count("pk"))
            )
            for row in rows:
                counts[(f"{model._meta.db_table}.{f.column}", row["_key"])] += row["n"]
    from ctm.cases.models import Attachment

    for row in Attachment._base_manager.values("key_id").annotate(n=models.Count("pk")):
        counts[("attachment bytes", row["key_id"])] += row["n"]
    return counts


def reencrypt_model(
    model: type[models.Model], fields: list[EncryptedTextField], current: str, advance: Any
) -> int:
    """Re-encrypt every value of `model` not under `current`, a batch per transaction. Returns rows done."""
    done = 0
    names = [f.attname for f in fields]
    while True:
        pks = list(stale_rows(model, fields, current).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not pks:
            return done
        with transaction.atomic():
            # Loading decrypts (any key of the ring); bulk_update encrypts again under the current key.
            objs = list(model._base_manager.select_for_update().filter(pk__in=pks).only("pk", *names))
            model._base_manager.bulk_update(objs, names, batch_size=BATCH)
        done += len(objs)
        advance(len(objs))


def reencrypt_attachments(current: str, advance: Any) -> int:
    from ctm.cases.models import Attachment

    done = 0
    while True:
        pks = list(
            Attachment._base_manager.exclude(key_id=current).order_by("pk").values_list("pk", flat=True)[:50]
        )
        if not pks:
            return done
        with transaction.atomic():
            rows = (
                Attachment._base_manager.select_for_update()
                .filter(pk__in=pks)
                .only("pk", "organization_id", "case_id", "key_id", "blob")
            )
            for att in rows:
                context = f"attachment:{att.organization_id}:{att.case_id}"
                data = crypto.decrypt_bytes(att.key_id, bytes(att.blob), context)
                key_id, blob = crypto.encrypt_bytes(data, context)
                Attachment._base_manager.filter(pk=att.pk).update(key_id=key_id, blob=blob)
                done += 1
                advance(1)


def count_stale(current: str) -> int:
    from ctm.cases.models import Attachment

    n = sum(stale_rows(m, fs, current).count() for m, fs in encrypted_models())
    return n + Attachment._base_manager.exclude(key_id=current).count()


class Command(BaseCommand):
    help = "Encryption keys: `ctm keys status`, `ctm keys rotate [--generate]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{status,rotate}")
        sub.add_parser("status", help="count the stored values under each key id")
        rotate = sub.add_parser("rotate", help="re-encrypt every value under the current (first) key")
        rotate.add_argument(
            "--generate",
            action="store_true",
            help="first add a new key in front of the ring in var/secrets.json (dev/demo)",
        )

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        self.console = Console(file=self.stdout, highlight=False)
        if action == "status":
            self.status()
        else:
            self.rotate(generate=opts.get("generate", False))

    def status(self) -> None:
        ring = [key_id for key_id, _ in crypto.keyring()]
        table = Table(title=f"Encrypted values per key (current key: {ring[0]}; ring: {', '.join(ring)})")
        for column in ("column", "key id", "values"):
            table.add_column(column)
        counts = key_counts()
        for (what, key_id), n in sorted(counts.items()):
            table.add_row(what, key_id + ("" if key_id in ring else " (not in the ring!)"), str(n))
        self.console.print(table)
        per_key = Counter()
        for (_what, key_id), n in counts.items():
            per_key[key_id] += n
        self.console.print(
            "Total: " + (", ".join(f"{k}: {n}" for k, n in sorted(per_key.items())) or "no values")
        )

    def rotate(self, *, generate: bool) -> None:
        if generate:
            self.generate_key()
        current = crypto.current_key_id()
        total = count_stale(current)
        self.console.print(f"Current key: {current}; {total} row(s) to re-encrypt.")
        done = 0
        with Progress(
            TextColumn("Re-encrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=not self.console.is_terminal,
        ) as bar:
            task = bar.add_task("rows", total=total)
            advance = lambda n: bar.advance(task, n)  # noqa: E731  (a one-line callback reads best here)
            for model, fields in encrypted_models():
                done += reencrypt_model(model, fields, current, advance)
            attachments = reencrypt_attachments(current, advance)
        left = count_stale(current)
        record(
            "core.keys.rotated",
            actor="ctm keys rotate",
            changes={"key_id": [None, current], "rows": [None, done], "attachments": [None, attachments]},
        )
        self.console.print(f"Re-encrypted {done} row(s) and {attachments} attachment(s) under {current}.")
        if left:
            raise CommandError(
                f"{left} row(s) are still under another key (written during the rotation?): run it again."
            )
        self.console.print("Nothing is left under an older key; older keys may now be removed from the ring.")

    def generate_key(self) -> None:
        if os.environ.get("CTM_ENCRYPTION_KEYS"):
            raise CommandError(
                "The keys come from CTM_ENCRYPTION_KEYS: put a new key first there (id:base64 of 32 bytes), "
                "restart, then run `ctm keys rotate` without --generate."
            )
        key_id = add_dev_encryption_key(settings.VAR_DIR)
        _secret, spec, _blind = load_dev_secrets(settings.VAR_DIR, "", "", "", require=False)
        settings.CTM_ENCRYPTION_KEYS = spec  # crypto reads the ring from settings on every call
        if crypto.current_key_id() != key_id:
            raise CommandError(f"The new key {key_id} is not first in the ring; check var/secrets.json.")
        self.console.print(f"Added key {key_id} in front of the ring (var/secrets.json).")
