"""The victim context (HTCDS vic_*) and the trafficking events (the person's route)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.lookups import get_case
from ctm.api.schemas.common import UrlId, responses
from ctm.api.schemas.parts import EventIn, EventOut, VictimContextIn, VictimContextOut
from ctm.cases.domain.queries.parts import events_for_case, get_event, victim_context_for_case
from ctm.cases.domain.screening import add_event, remove_event, update_victim_context

router = Router(tags=["victim context and events"])


@router.get(
    "/{number}/victim-context",
    response=responses(200, VictimContextOut, 404),
    summary="Read the victim context",
)
def read_context(request: Any, number: str) -> Any:
    """`version` is 0 while none was recorded; send it back with the first PUT."""
    case = get_case(request, number)
    return VictimContextOut.of(victim_context_for_case(membership_of(request), case, purpose="api"))


@router.put(
    "/{number}/victim-context",
    response=responses(200, VictimContextOut, 403, 404, 409, 422),
    summary="Record the victim context",
)
def put_context(request: Any, number: str, body: VictimContextIn) -> Any:
    case = get_case(request, number)
    context = update_victim_context(
        case, by=membership_of(request), data=body.domain_data(), version=body.version
    )
    return VictimContextOut.of(context)


@router.get(
    "/{number}/events", response=responses(200, list[EventOut], 404), summary="List the trafficking events"
)
def list_events(request: Any, number: str) -> Any:
    return events_for_case(membership_of(request), get_case(request, number), purpose="api")


@router.post(
    "/{number}/events", response=responses(201, EventOut, 403, 404, 422), summary="Add a trafficking event"
)
def create_event(request: Any, number: str, body: EventIn) -> Any:
    case = get_case(request, number)
    return Status(201, add_event(case, by=membership_of(request), data=body.model_dump()))


@router.delete(
    "/{number}/events/{event_id}",
    response=responses(204, None, 403, 404),
    summary="Remove a trafficking event",
)
def delete_event(request: Any, number: str, event_id: UrlId) -> Any:
    case = get_case(request, number)
    remove_event(case, get_event(case, event_id), by=membership_of(request))
    return Status(204, None)
