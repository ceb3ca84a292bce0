"""Writes to the directory: one function per change, in a transaction, under a row lock, logged."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ctm.core.domain.activity import masked_changes, record
from ctm.core.domain.locking import lock
from ctm.core.errors import NotAllowed
from ctm.core.fields import open_sealed
from ctm.core.reads import identifying_access
from ctm.directory.models import PrivateEntry, SharedEntry
from ctm.directory.rules import can_edit_directory

Entry = SharedEntry | PrivateEntry
FIELDS = (
    "name",
    "entry_type",
    "country",
    "region",
    "city",
    "address",
    "phone",
    "emergency_line",
    "email",
    "website",
    "hours",
    "services",
    "languages",
    "populations",
    "notes",
)


def _editor(by: Any) -> None:
    if not can_edit_directory(by):
        raise NotAllowed("Only organization admins and directory editors edit the directory.")


def _relock(entry: Entry) -> Entry:
    """Re-read the entry under a row lock; a private entry's contact fields, sealed again by the re-read,
    open for the change that follows (which logs it: directory.entry.updated / verified)."""
    lock(entry)
    if isinstance(entry, PrivateEntry):
        with identifying_access("directory.entry.changed"):
            open_sealed(entry)
    return entry


def _values(entry: Entry) -> dict[str, Any]:
    return {f: getattr(entry, f) for f in FIELDS}


def build_entry(by: Any, data: dict[str, Any], *, shared: bool) -> Entry:
    """An unsaved entry from cleaned data (the import checks every row before it writes one)."""
    values = {k: v for k, v in data.items() if k in FIELDS or k == "last_verified_on"}
    if shared:
        return SharedEntry(**values)
    return PrivateEntry(organization_id=by.organization_id, **values)


@transaction.atomic
def create_entry(*, by: Any, data: dict[str, Any], shared: bool) -> Entry:
    _editor(by)
    entry = build_entry(by, data, shared=shared)
    if entry.last_verified_on:
        entry.verified_by = by.user
    entry.save()
    record(
        "directory.entry.created",
        actor=by.user,
        organization=by.organization,
        obj=entry,
        label=entry.name,
        changes={"visibility": [None, entry.visibility], "country": [None, entry.country]},
    )
    return entry


@transaction.atomic
def update_entry(entry: Entry, *, by: Any, data: dict[str, Any]) -> Entry:
    _editor(by)
    _relock(entry)
    before = _values(entry)
    for field in FIELDS:
        if field in data:
            setattr(entry, field, data[field])
    changes = masked_changes(before, _values(entry))
    if changes:
        entry.save(update_fields=[*changes, "updated_at"])
        record(
            "directory.entry.updated",
            actor=by.user,
            organization=by.organization,
            obj=entry,
            label=entry.name,
            changes=changes,
        )
    return entry


@transaction.atomic
def verify_entry(entry: Entry, *, by: Any) -> Entry:
    """Someone checked the entry is still right today (its stale flag goes away for 12 months)."""
    _editor(by)
    _relock(entry)
    before = entry.last_verified_on
    entry.last_verified_on = timezone.localdate()
    entry.verified_by = by.user
    entry.save(update_fields=["last_verified_on", "verified_by", "updated_at"])
    record(
        "directory.entry.verified",
        actor=by.user,
        organization=by.organization,
        obj=entry,
        label=entry.name,
        changes=masked_changes({"last_verified_on": before}, {"last_verified_on": entry.last_verified_on}),
    )
    return entry


@transaction.atomic
def delete_entry(entry: Entry, *, by: Any) -> None:
    _editor(by)
    lock(entry)
    record(
        "directory.entry.deleted",
        actor=by.user,
        organization=by.organization,
        obj=entry,
        label=entry.name,
        changes={"visibility": [entry.visibility, None]},
    )
    entry.delete()


@transaction.atomic
def import_entries(*, by: Any, rows: list[dict[str, Any]], shared: bool) -> list[Entry]:
    """Write every row of an import that was checked whole (`interfaces.transfer.check_rows`): all
    or nothing, one transaction, one activity-log entry."""
    _editor(by)
    entries = [build_entry(by, data, shared=shared) for data in rows]
    for entry in entries:
        if entry.last_verified_on:
            entry.verified_by = by.user
        entry.save()
    record(
        "directory.entries.imported",
        actor=by.user,
        organization=by.organization,
        label=f"{len(entries)}",
        changes={"imported": [None, len(entries)], "visibility": [None, "shared" if shared else "private"]},
    )
    return entries
