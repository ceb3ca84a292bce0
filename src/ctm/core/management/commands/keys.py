"""`ctm keys status` and `ctm keys rotate [--generate]`: the data-encryption keys (and, in `status`,
the activity log's keys: entries sealed under each audit key, the public key of checkpoints).

`rotate` re-encrypts, under the current (first) key, every encrypted value written under an older one:
every encrypted column of every model and every kind of encrypted bytes an app declared (attachments,
uploaded datasets, release previews, uploaded lists; see `ctm.core.encrypted`). The work is in
`ctm.core.domain.rotation`: batches, one transaction per batch, safe to run again. Keep the old keys in
the ring until it reports nothing left under them; only then remove them from CTM_ENCRYPTION_KEYS.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ctm.core import audit_crypto, crypto
from ctm.core.domain import rotation
from ctm.core.domain.queries.activity import entries_per_audit_key
from ctm.core.encrypted import undeclared_binary_fields
from ctm.core.keys import add_dev_encryption_key, load_dev_secrets
from ctm.core.management.base import PlatformCommand


class Command(PlatformCommand):  # every organization's values are re-encrypted
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
        self.warn_undeclared()
        ring = [key_id for key_id, _ in crypto.keyring()]
        table = Table(title=f"Encrypted values per key (current key: {ring[0]}; ring: {', '.join(ring)})")
        for column in ("column", "key id", "values"):
            table.add_column(column)
        counts = rotation.key_counts()
        for (what, key_id), n in sorted(counts.items()):
            table.add_row(what, key_id + ("" if key_id in ring else " (not in the ring!)"), str(n))
        self.console.print(table)
        per_key: Counter[str] = Counter()
        for (_what, key_id), n in counts.items():
            per_key[key_id] += n
        # every key of the ring, in ring order (0 for an old key means it may be removed), then strays
        keys = ring + sorted(set(per_key) - set(ring))
        self.console.print("Total: " + ", ".join(f"{k}: {per_key[k]}" for k in keys))
        self.audit_status()

    def audit_status(self) -> None:
        """The activity log's keys (CTM_AUDIT_KEYS): entries sealed under each, the checkpoint key."""
        ring = audit_crypto.ring_ids()
        per_key = entries_per_audit_key()
        counts = ", ".join(
            f"{k or 'none (before the keyed chain)'}: {per_key.get(k, 0)}"
            + ("" if not k or k in ring else " (not in the ring!)")
            for k in ring + sorted(set(per_key) - set(ring))
        )
        self.console.print(f"Activity-log keys (current: {ring[0]}; ring: {', '.join(ring)}). Entries: {counts}")
        self.console.print(
            f"Checkpoints are signed with Ed25519, public key {audit_crypto.public_key(ring[0])} "
            "(`ctm audit public-key`)."
        )

    def rotate(self, *, generate: bool) -> None:
        if generate:
            self.generate_key()
        self.warn_undeclared()
        current = crypto.current_key_id()
        total = rotation.count_stale(current)
        self.console.print(f"Current key: {current}; {total} row(s) to re-encrypt.")
        with Progress(
            TextColumn("Re-encrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=not self.console.is_terminal,
        ) as bar:
            task = bar.add_task("rows", total=total)
            try:
                done = rotation.rotate(actor="ctm keys rotate", advance=lambda n: bar.advance(task, n))
            except crypto.DecryptionError as exc:
                raise CommandError(
                    f"A value cannot be decrypted ({exc}): is every key it was written under in the ring?"
                ) from exc
        left = rotation.count_stale(current)
        self.console.print(
            f"Re-encrypted {done.rows} row(s) and {done.blobs} file(s) (attachments, uploads, previews) "
            f"under {current}."
        )
        if left:
            raise CommandError(
                f"{left} row(s) are still under another key (written during the rotation?): run it again."
            )
        self.console.print("Nothing is left under an older key; older keys may now be removed from the ring.")

    def warn_undeclared(self) -> None:
        for name in undeclared_binary_fields():
            self.console.print(f"Warning: {name} is a BinaryField that `ctm keys` does not know (ctm check).")

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
