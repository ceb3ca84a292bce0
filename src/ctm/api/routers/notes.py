"""Notes: identifying free text. Listing them is logged as a read of identifying data."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.lookups import get_case
from ctm.api.schemas.common import responses
from ctm.api.schemas.parts import NoteIn, NoteOut
from ctm.cases.domain.notes import add_note
from ctm.cases.domain.queries.parts import notes_for_case

router = Router(tags=["notes"])


@router.get("/{number}/notes", response=responses(200, list[NoteOut], 404), summary="List notes (logged)")
def list_notes(request: Any, number: str) -> Any:
    case = get_case(request, number)
    return notes_for_case(membership_of(request), case, purpose="api")


@router.post("/{number}/notes", response=responses(201, NoteOut, 403, 404, 422), summary="Add a note")
def create_note(request: Any, number: str, body: NoteIn) -> Any:
    case = get_case(request, number)
    return Status(201, add_note(case, by=membership_of(request), body=body.body))
