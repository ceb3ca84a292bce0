"""Reads of tasks and notifications: a person's work, an office's overdue tasks, shelters' capacity."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ctm.assistance.enums import TaskStatus
from ctm.assistance.models import Notification, Shelter, ShelterStay, Task
from ctm.cases.enums import CLOSED_STATUSES, CaseStatus
from ctm.core.domain.security import record_refusal, refuse_part

OPEN_CASE_STATUSES = [s for s in CaseStatus.values if s not in CLOSED_STATUSES]


def open_tasks() -> QuerySet[Task]:
    """Open tasks of open cases (a closed case's tasks wait, and come back if it is reopened). Written
    as a join on the open statuses, not as "not among the closed cases": the database then walks the
    tasks in due order and looks each case up, where the other form read every closed case each time."""
    return Task.objects.filter(status=TaskStatus.OPEN, case__status__in=OPEN_CASE_STATUSES)


def _for_me(membership: Any) -> Q:
    return Q(assignee_id=membership.user_id) | Q(assignee__isnull=True, role=membership.role)


def my_tasks(membership: Any) -> QuerySet[Task]:
    """The open tasks for this membership (assigned to them, or to their role), oldest due first."""
    return (
        open_tasks()
        .filter(_for_me(membership), organization_id=membership.organization_id)
        .select_related("case", "assignee")
        .order_by("due_on", "id")
    )


def overdue_tasks(
    membership: Any, *, office_id: int | None = None, today: datetime.date | None = None
) -> QuerySet[Task]:
    """The organization's open tasks past their due date (of one office when asked)."""
    qs = open_tasks().filter(
        organization_id=membership.organization_id, due_on__lt=today or timezone.localdate()
    )
    if office_id is not None:
        qs = qs.filter(office_id=office_id)
    return qs.select_related("case", "office", "assignee").order_by("due_on", "id")


def get_task_for_user(membership: Any, pk: int) -> Task:
    """One of the membership's open tasks; 404 (and a security event) for missing and not yours."""
    task = my_tasks(membership).filter(pk=pk).first()
    if task is None:
        record_refusal("security.task.refused", membership, pk)
        raise Http404("No such task")
    return task


def my_notifications(membership: Any, *, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(user_id=membership.user_id, organization_id=membership.organization_id)
        .select_related("case")
        .order_by("-created_at", "-id")[:limit]
    )


def unread_count(membership: Any) -> int:
    return Notification.objects.filter(
        user_id=membership.user_id, organization_id=membership.organization_id, read_at__isnull=True
    ).count()


def shelter_capacity(membership: Any, day: datetime.date) -> list[Shelter]:
    """The organization's shelters with `occupied` and `free` places on `day` (one query)."""
    in_place = Q(stays__discharged_on__isnull=True) | Q(stays__discharged_on__gt=day)
    shelters = list(
        Shelter.objects.filter(organization_id=membership.organization_id)
        .select_related("office")
        .annotate(occupied=Count("stays", filter=in_place & Q(stays__admitted_on__lte=day)))
        .order_by("name")
    )
    for shelter in shelters:
        shelter.free = max(shelter.places - shelter.occupied, 0)  # type: ignore[attr-defined]
    return shelters


def get_shelter(membership: Any, pk: int) -> Shelter:
    shelter = Shelter.objects.filter(organization_id=membership.organization_id, pk=pk).first()
    if shelter is None:
        record_refusal("security.shelter.refused", membership, pk)
        raise Http404("No such shelter")
    return shelter


def open_stay(case: Any, pk: int) -> ShelterStay:
    stay = ShelterStay.objects.filter(case=case, pk=pk).select_related("shelter").first()
    if stay is None:
        refuse_part(case, pk)
    stay.case = case
    return stay
