"""Protected reads of the directory: the shared entries and the reader's organization's own.

`directory_entries_for_user` is also the picker other apps use (referral recipients, service
providers): it returns model instances of both tables, each with a `ref` ("s12", "p7") that
`get_entry_for_user` resolves, and `snapshot` keeps what a referral needs of a contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ctm.core.domain.security import record_refusal
from ctm.core.errors import NotAllowed
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
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(city__icontains=text)
            | Q(region__icontains=text)
            | Q(notes__icontains=text)
        )
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
        found += list(_filtered(_private(membership), f))
    return sorted(found, key=lambda e: (e.country, e.name.casefold(), e.ref))


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
    return entry


def _refused(membership: Any, ref: str) -> NoReturn:
    record_refusal("security.directory_entry.refused", membership, ref)
    raise Http404("No such directory entry")


def snapshot(entry: Entry) -> dict[str, Any]:
    """What a referral keeps of the contact it used, as it was that day."""
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
