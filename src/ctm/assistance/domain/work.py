"""Tasks raised by events on a case, and the in-app notifications that announce them.

`raise_task` runs inside the transaction of the domain function that raised it, and writes no log
entry of its own: that function's entry names the task. A notification names a kind of task and a
case number, never identifying data."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.common import lock, log_case
from ctm.assistance.domain.mail import queue_emails
from ctm.assistance.enums import TASK_DUE_DAYS, TaskStatus
from ctm.assistance.models import Notification, Task
from ctm.cases.enums import CLOSED_STATUSES
from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership


def raise_task(case: Any, *, kind: str, on: datetime.date, role: str = "", assignee: Any = None) -> Task:
    """An open task of this kind on the case (the one already open, if any), and a notification for
    each person it is for. Due `TASK_DUE_DAYS[kind]` days after `on`."""
    open_task = Task.objects.filter(case=case, kind=kind, status=TaskStatus.OPEN).first()
    if open_task is not None:
        return open_task
    task = Task.objects.create(
        organization_id=case.organization_id,
        case=case,
        office_id=case.office_id,
        kind=kind,
        role=role,
        assignee=assignee,
        due_on=on + datetime.timedelta(days=TASK_DUE_DAYS[kind]),
    )
    notifications = Notification.objects.bulk_create(
        Notification(organization_id=case.organization_id, user_id=uid, task=task, case=case, kind=kind)
        for uid in sorted(task_users(task))
    )
    queue_emails(notifications)  # for those who opted in: sent by the job worker after the commit
    return task


def notify(
    organization_id: int, user_ids: set[int], *, kind: str, case: Any = None, link: str = ""
) -> list[Notification]:
    """In the caller's transaction: a notification of this kind for each of these people (news with
    no task, e.g. a referral answered), announced by e-mail to those who opted in. The kind and a link
    to a page inside CTM only: the page, behind its door, shows the rest."""
    notifications = Notification.objects.bulk_create(
        Notification(organization_id=organization_id, user_id=uid, case=case, kind=kind, link=link)
        for uid in sorted(user_ids)
    )
    queue_emails(notifications)
    return notifications


def task_users(task: Task) -> set[int]:
    """Who the task is for: its assignee, or every active member with its role in the case's
    organization (a case manager sees every case of the organization, whatever the office)."""
    if task.assignee_id:
        return {task.assignee_id}
    members = Membership.objects.filter(organization_id=task.organization_id, role=task.role, is_active=True)
    return set(members.values_list("user_id", flat=True))


def may_do(membership: Any, task: Task) -> bool:
    if membership is None or membership.organization_id != task.organization_id:
        return False
    if task.assignee_id:
        return task.assignee_id == membership.user_id
    return bool(membership.role == task.role)


def complete_task(task: Task, *, by: Membership) -> Task:
    if not may_do(by, task):
        raise NotAllowed(_("This task is not yours."))
    with transaction.atomic():
        lock(task)
        if task.status != TaskStatus.OPEN:
            raise InvalidTransition(_("This task is already done."))
        task.status = TaskStatus.DONE
        task.done_by = by.user
        task.done_at = timezone.now()
        task.save(update_fields=["status", "done_by", "done_at", "updated_at"])
        log_case("assistance.task.done", by, task.case, {"task": [task.kind, TaskStatus.DONE]})
    return task


def close_open_tasks(case: Any, kind: str, *, by: Membership) -> int:
    """In the caller's transaction (its log entry names it): the work the task asked for is done."""
    return Task.objects.filter(case=case, kind=kind, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_by=by.user, done_at=timezone.now(), updated_at=timezone.now()
    )


def notify_overdue(organization: Any, *, today: datetime.date | None = None) -> int:
    """Tell the people each open task is for that it is now overdue — once per task. One activity-log
    entry for the organization names how many tasks (no case, no person)."""
    day = today or timezone.localdate()
    with transaction.atomic():
        tasks = list(
            Task.objects.select_for_update()
            .filter(organization_id=organization.pk, status=TaskStatus.OPEN, due_on__lt=day)
            .filter(overdue_notified_on__isnull=True)
            .exclude(case__status__in=CLOSED_STATUSES)
        )
        notifications = Notification.objects.bulk_create(
            Notification(
                organization_id=task.organization_id,
                user_id=uid,
                task=task,
                case_id=task.case_id,
                kind=task.kind,
                overdue=True,
            )
            for task in tasks
            for uid in sorted(task_users(task))
        )
        queue_emails(notifications)
        Task.objects.filter(pk__in=[t.pk for t in tasks]).update(overdue_notified_on=day)
        if tasks:
            record(
                "assistance.tasks.overdue_notified",
                actor="ctm remind_overdue",
                organization=organization,
                changes={"tasks": [None, len(tasks)]},
            )
    return len(tasks)


def mark_notifications_read(by: Membership) -> int:
    """Not a change of the record: no activity-log entry."""
    return Notification.objects.filter(user_id=by.user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
