"""The contact directory: list with filters, read, create, change, verify, delete. Every signed-in
member reads it; organization admins and directory editors change it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status

from ctm.api.auth import membership_of
from ctm.api.schemas.common import responses
from ctm.api.schemas.directory import EntryCreate, EntryFilterQuery, EntryOut, EntryPage, EntryPatch
from ctm.core.errors import NotAllowed
from ctm.directory.domain import entries as domain
from ctm.directory.domain.queries import EntryFilters, directory_entries_for_user, get_entry_for_user
from ctm.directory.enums import Visibility
from ctm.directory.interfaces.forms import EntryForm
from ctm.directory.rules import can_edit_directory

router = Router(tags=["directory"])


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """The body through the directory's entry form: the same rules as the pages; 422 with the
    form's field errors otherwise."""
    form = EntryForm(data)
    if not form.is_valid():
        raise ValidationError({k: list(v) for k, v in form.errors.items()})
    return form.domain_data()


@router.get("", response=responses(200, EntryPage, 403, 422), summary="List directory entries")
def list_entries(request: Any, filters: Query[EntryFilterQuery]) -> Any:
    values = filters.model_dump(exclude={"limit", "offset"})
    f = EntryFilters(**{k: v or ("" if k != "stale" else False) for k, v in values.items()})
    found = directory_entries_for_user(membership_of(request), f)
    items = found[filters.offset : filters.offset + filters.limit]
    return {"count": len(found), "limit": filters.limit, "offset": filters.offset, "items": items}


@router.post("", response=responses(201, EntryOut, 403, 422), summary="Add a directory entry")
def create_entry(request: Any, body: EntryCreate) -> Any:
    membership = membership_of(request)
    if not can_edit_directory(membership):
        raise NotAllowed("Only organization admins and directory editors edit the directory.")
    data = _checked(body.model_dump(exclude={"visibility"}))
    shared = body.visibility == Visibility.SHARED
    return Status(201, domain.create_entry(by=membership, data=data, shared=shared))


@router.get("/{ref}", response=responses(200, EntryOut, 403, 404), summary="Read a directory entry")
def read_entry(request: Any, ref: str) -> Any:
    return get_entry_for_user(membership_of(request), ref)


@router.patch("/{ref}", response=responses(200, EntryOut, 403, 404, 422), summary="Change a directory entry")
def patch_entry(request: Any, ref: str, body: EntryPatch) -> Any:
    membership = membership_of(request)
    entry = get_entry_for_user(membership, ref, write=True)
    current = EntryForm.initial_from(entry)
    current.pop("last_verified_on", None)
    data = _checked({**current, **body.model_dump(exclude_unset=True)})
    return domain.update_entry(entry, by=membership, data=data)


@router.post("/{ref}/verify", response=responses(200, EntryOut, 403, 404), summary="Mark as verified today")
def verify(request: Any, ref: str) -> Any:
    membership = membership_of(request)
    return domain.verify_entry(get_entry_for_user(membership, ref, write=True), by=membership)


@router.delete("/{ref}", response=responses(204, None, 403, 404), summary="Delete a directory entry")
def delete(request: Any, ref: str) -> Any:
    membership = membership_of(request)
    domain.delete_entry(get_entry_for_user(membership, ref, write=True), by=membership)
    return Status(204, None)
