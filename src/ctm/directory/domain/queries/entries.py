"""Protected reads of the directory: the shared entries and the reader's organization's own.

`directory_entries_for_user` is also the picker other apps use (referral recipients, service
providers): it returns model instances of both tables, each with a `ref` ("s12", "p7") that
`get_entry_for_user` resolves, and `snapshot` keeps what a referral needs of a contact.

A private entry's contact fields are sealed (ctm.core.fields): these two doors open them, and log
the read in the organization's log (`directory.entry.viewed`, `directory.entries.listed`). The text
search reads only the fields in clear on private entries (name, city, region), never the sealed
ones: docs/decisions/1105-private-directory-encrypted.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ctm.core.domain.activity import record
from ctm.core.domain.security import record_refusal
from ctm.core.errors import NotAllowed
from ctm.core.fields import open_sealed
from ctm.core.reads import identifying_access
from ctm.directory.enums import Visibility
from ctm.directory.models import PrivateEntry, SharedEntry
from ctm.directory.models.entry import stale_before
from ctm.directory.rules import can_edit_directory, can_read_directory

Entry = SharedEntry | PrivateEntry
MAX_TEXT = 100


@dataclass(frozen=True)
class EntryFilters:
    country: str = ""
    entry_type: str = ""
    service: str = ""
    language: str = ""
    population: str = ""
    text: str = ""
    visibility: str = ""  # "", "shared" or "private"
    stale: bool = False


def _filtered(qs: QuerySet[Any], f: EntryFilters) -> QuerySet[Any]:
    lookups: dict[str, Any] = {}
    if f.country:
        lookups["country"] = f.country.upper()
    if f.entry_type:
        lookups["entry_type"] = f.entry_type
    for field, value in (("services", f.service), ("languages", f.language), ("populations", f.population)):
        if value:
            lookups[f"{field}__contains"] = f"|{value}|"
    qs = qs.filter(**lookups)
    text = f.text.strip()[:MAX_TEXT]
    if text:
        found = Q(name__icontains=text) | Q(city__icontains=text) | Q(region__icontains=text)
        if qs.model is SharedEntry:  # a private entry's notes are sealed: never searched (decision 1105)
            found |= Q(notes__icontains=text)
        qs = qs.filter(found)
    if f.stale:
        qs = qs.filter(Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=stale_before()))
    return qs.select_related("verified_by")


def _private(membership: Any) -> QuerySet[PrivateEntry]:
    """The reader's organization's entries (the tenant scope filters them too)."""
    return PrivateEntry.objects.filter(organization_id=membership.organization_id)


def directory_entries_for_user(membership: Any, filters: EntryFilters | None = None) -> list[Entry]:
    """Every entry the membership may read that matches the filters, shared and private together,
    sorted by country and name. Two queries, whatever the number of entries."""
    if not can_read_directory(membership):
        raise NotAllowed("Sign in with an organization to read the directory.")
    f = filters or EntryFilters()
    found: list[Entry] = []
    if f.visibility != Visibility.PRIVATE:
        found += list(_filtered(SharedEntry.objects.all(), f))
    if f.visibility != Visibility.SHARED:
        private = list(_filtered(_private(membership), f))
        _open(membership, private)
        found += private
    return sorted(found, key=lambda e: (e.country, e.name.casefold(), e.ref))


def _open(membership: Any, entries: list[PrivateEntry], *, one: bool = False) -> None:
    """Open the sealed contact fields of the organization's private entries, the read logged first in its
    log: one entry for a page or a list, with how many were read (nothing when there are none)."""
    if not entries:
        return
    if one:
        action, obj, label, changes = "directory.entry.viewed", entries[0], entries[0].name, {}
    else:
        action, obj, label = "directory.entries.listed", None, f"{len(entries)}"
        changes = {"entries": [None, len(entries)], "refs": [None, [e.ref for e in entries][:50]]}
    record(action, actor=membership.user, organization=membership.organization, obj=obj, label=label,
           changes=changes)  # fmt: skip
    with identifying_access(action):
        open_sealed(*entries)


def get_entry_for_user(membership: Any, ref: str, *, write: bool = False) -> Entry:
    """The entry with this reference if the membership may read it (or edit it: 403 otherwise);
    404 for missing and for another organization's private entry, with a security event."""
    if not can_read_directory(membership):
        raise NotAllowed("Sign in with an organization to read the directory.")
    kind, number = (ref or " ")[0], (ref or " ")[1:]
    entry: Entry | None = None
    if number.isdigit() and kind == "s":
        entry = SharedEntry.objects.select_related("verified_by").filter(pk=int(number)).first()
    elif number.isdigit() and kind == "p":
        entry = _private(membership).select_related("verified_by").filter(pk=int(number)).first()
    if entry is None:
        _refused(membership, ref)
    if write and not can_edit_directory(membership):
        raise NotAllowed("Only organization admins and directory editors edit the directory.")
    if isinstance(entry, PrivateEntry):
        _open(membership, [entry], one=True)
    return entry


def _refused(membership: Any, ref: str) -> NoReturn:
    record_refusal("security.directory_entry.refused", membership, ref)
    raise Http404("No such directory entry")


def snapshot(entry: Entry) -> dict[str, Any]:
    """What a referral keeps of the contact it used, as it was that day. A referral's copy is not encrypted:
    of a private entry it keeps no sealed contact field (the reference finds the entry again)."""
    if isinstance(entry, PrivateEntry):
        return {
            "ref": entry.ref,
            "name": entry.name,
            "entry_type": entry.entry_type,
            "country": entry.country,
            "city": entry.city,
            "last_verified_on": entry.last_verified_on.isoformat() if entry.last_verified_on else None,
        }
    return {
        "ref": entry.ref,
        "name": entry.name,
        "entry_type": entry.entry_type,
        "country": entry.country,
        "city": entry.city,
        "phone": entry.phone,
        "emergency_line": entry.emergency_line,
        "email": entry.email,
        "last_verified_on": entry.last_verified_on.isoformat() if entry.last_verified_on else None,
    }


def country_counts(membership: Any) -> dict[str, int]:
    """How many entries the membership may read, per country (the directory's country index)."""
    counts: dict[str, int] = {}
    for qs in (SharedEntry.objects.all(), _private(membership)):
        for row in qs.order_by().values("country").annotate(n=Count("id")):
            counts[row["country"]] = counts.get(row["country"], 0) + row["n"]
    return counts
