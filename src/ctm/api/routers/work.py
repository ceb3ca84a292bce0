"""A person's open tasks, and the organization's shelters with their capacity on a day."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.lookups import office_for
from ctm.api.schemas.assistance import ShelterIn, ShelterOut, TaskOut
from ctm.api.schemas.common import Date, UrlId, responses
from ctm.assistance.domain import shelters, work
from ctm.assistance.domain.queries.work import get_task_for_user, my_tasks, shelter_capacity
from ctm.assistance.rules import can_read_cases
from ctm.core.errors import NotAllowed

router = Router(tags=["work"])
TASK_LIMIT = 200


def _reader(request: Any) -> Any:
    membership = membership_of(request)
    if not can_read_cases(membership):
        raise NotAllowed("Your role does not give access to cases.")
    return membership


@router.get("/tasks", response=responses(200, list[TaskOut], 403), summary="My open tasks, oldest due first")
def list_tasks(request: Any) -> Any:
    return list(my_tasks(_reader(request))[:TASK_LIMIT])


@router.post(
    "/tasks/{task_id}/done", response=responses(200, TaskOut, 403, 404, 422), summary="Mark a task done"
)
def task_done(request: Any, task_id: UrlId) -> Any:
    membership = _reader(request)
    return work.complete_task(get_task_for_user(membership, task_id), by=membership)


@router.get(
    "/shelters",
    response=responses(200, list[ShelterOut], 403),
    summary="Shelters and their free places on a day",
)
def list_shelters(request: Any, day: Date | None = None) -> Any:
    return shelter_capacity(_reader(request), day or timezone.localdate())


@router.post(
    "/shelters", response=responses(201, ShelterOut, 403, 422), summary="Add a shelter (case managers)"
)
def create_shelter(request: Any, body: ShelterIn) -> Any:
    membership = membership_of(request)
    shelter = shelters.create_shelter(
        by=membership,
        name=body.name,
        places=body.places,
        office=office_for(request, body.office),
        address=body.address,
    )
    shelter.occupied, shelter.free = 0, shelter.places  # type: ignore[attr-defined]
    return Status(201, shelter)
