"""Writing and verifying the activity log. Only domain functions call `record`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ctm.core.models import ActivityLog, ChainHead
from ctm.core.models.activity import GENESIS

MASK = "•••"


def masked_changes(old: dict[str, Any], new: dict[str, Any], sensitive: Iterable[str] = ()) -> dict[str, Any]:
    """old → new for the keys that changed; identifying values are replaced by a mask."""
    hidden = set(sensitive)
    out: dict[str, Any] = {}
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key in hidden:
            out[key] = [
                MASK if before not in (None, "", [], {}) else None,
                MASK if after not in (None, "", [], {}) else None,
            ]
        else:
            out[key] = [_plain(before), _plain(after)]
    return out


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # JSON has no decimal type (a screening's recruitment cost)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def record(
    action: str,
    *,
    actor: Any,
    organization: Any = None,
    obj: Any = None,
    label: str = "",
    changes: dict[str, Any] | None = None,
) -> ActivityLog:
    """Append one entry, chained to the previous one. Runs inside the caller's transaction."""
    with transaction.atomic():
        head = _head()
        entry = ActivityLog(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", None) or str(actor or "system"),
            organization=organization,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=label[:120],
            changes=changes or {},
            prev_hash=head.last_hash,
        )
        entry.payload_digest = entry.compute_payload_digest()
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
        return entry


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None
    problem: str


def verify_chain() -> tuple[int, list[ChainProblem]]:
    """Walk the chain in order; report entries that were changed, removed or re-ordered."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    count = 0
    for entry in ActivityLog.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != prev:
            problems.append(ChainProblem(entry.id, "previous entry missing or changed (chain broken)"))
        if not entry.redacted and entry.compute_payload_digest() != entry.payload_digest:
            problems.append(ChainProblem(entry.id, "content changed"))
        if entry.compute_hash() != entry.hash:
            problems.append(ChainProblem(entry.id, "header or hash changed"))
        prev = entry.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and count and head.last_hash != prev:
        problems.append(ChainProblem(None, "last entries removed (chain head does not match)"))
    return count, problems


def redact_entries(entries: Iterable[ActivityLog]) -> int:
    """Erase the payload of entries (for an erasure request); the chain still verifies."""
    n = 0
    for entry in entries:
        entry.object_label = ""
        entry.changes = {"redacted": True}
        entry.redacted = True
        entry.save(update_fields=["object_label", "changes", "redacted"])
        n += 1
    return n
