"""Rotation of the activity log's key: the whole chain re-sealed under the new key, on the record.

`CTM_AUDIT_KEYS` lists the new key first and the old one after it (it still verifies). `reseal_chain`
then checks the log as it is (the chain under the old keys, and every checkpoint), and only if it is
intact re-seals every entry under the new key, in order, under the head's lock (no entry is appended
meanwhile): a new keyed payload digest (a redacted entry keeps the digest of the payload it had, as
the erasure left it), the new previous hash and the new hash; an erasure's record of the entries it
redacted is brought to their new hashes. The last entry is `core.audit.resealed`, sealed under the new
key, naming the old keys, the number of entries and the head they had — the value the checkpoints
written before the rotation hold. `ctm audit rotate` then writes a checkpoint of the new head.

After it, the old key can leave the ring: every entry verifies under the new key alone, and a change
made with the old key (leaked, or kept by someone who left) is reported like any other.
See docs/operations.md, "Rotation of the activity log's key".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from ctm.core import audit_crypto
from ctm.core.domain.activity import REDACTION_DIGEST, _head, record, redaction_digest, verify_chain
from ctm.core.domain.checkpoints import LogNotIntact, verify_checkpoints
from ctm.core.models import ActivityLog
from ctm.core.models.activity import GENESIS

BATCH = 1000
FIELDS = ["key_id", "payload_digest", "prev_hash", "hash", "changes"]


def reseal_chain(*, by: str, checkpoints: list[Path] | None = None) -> ActivityLog:
    """Re-seal the whole log under the first key of CTM_AUDIT_KEYS; returns the rotation entry.
    Raises LogNotIntact (nothing changed) when the log or a checkpoint does not verify."""
    _count, problems = verify_chain()
    report = verify_checkpoints(checkpoints)
    if problems or report.problems:
        raise LogNotIntact(problems + report.problems)
    key_id = audit_crypto.current_key_id()
    with transaction.atomic():
        head = _head()  # locked: no entry is appended while the chain is re-sealed
        old_head = head.last_hash
        old_keys = sorted(set(ActivityLog.objects.values_list("key_id", flat=True)) - {key_id})
        count, last = _reseal_all(key_id)
        head.move_to(last)
        entry = record(
            "core.audit.resealed",
            actor=by,
            changes={
                "from_keys": [None, old_keys],
                "to_key": [None, key_id],
                "entries": [None, count],
                "previous_head": [None, old_head],
            },
        )
    return entry


def _reseal_all(key_id: str) -> tuple[int, str]:
    prev, count, batch = GENESIS, 0, []
    redacted: dict[int, list[tuple[int, str]]] = {}  # erasure entry id → (id, new hash) it redacted
    for entry in ActivityLog.objects.order_by("id").iterator(chunk_size=BATCH):
        _reseal(entry, key_id, prev, redacted)
        if entry.redacted:
            redacted.setdefault(int(entry.changes["erasure"]), []).append((entry.id, entry.hash))
        prev, count = entry.hash, count + 1
        batch.append(entry)
        if len(batch) >= BATCH:
            ActivityLog.objects.bulk_update(batch, FIELDS)
            batch = []
    ActivityLog.objects.bulk_update(batch, FIELDS)
    return count, prev


def _reseal(entry: ActivityLog, key_id: str, prev: str, redacted: dict[int, Any]) -> None:
    entry.key_id = key_id
    if not entry.redacted:
        if REDACTION_DIGEST in entry.changes:  # an erasure: its entries now have new hashes
            digest = entry.changes[REDACTION_DIGEST]
            entry.changes[REDACTION_DIGEST] = [*digest[:-1], redaction_digest(redacted.get(entry.id, []))]
        entry.payload_digest = entry.compute_payload_digest()
    entry.prev_hash = prev
    entry.hash = entry.compute_hash()
