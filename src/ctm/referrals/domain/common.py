"""Shared pieces of the referral writes: the log (in both organizations' logs), the state check,
the answer-due task and the receiving organization's settings."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.mail import queue_emails
from ctm.assistance.domain.work import notify, task_users
from ctm.assistance.enums import ReferralNews, TaskKind, TaskStatus
from ctm.assistance.models import Notification, Task
from ctm.core.domain.activity import record
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership
from ctm.core.scopes import organization_scope
from ctm.referrals.enums import DEFAULT_ANSWER_DAYS
from ctm.referrals.models import Referral, ReferralSettings
from ctm.referrals.phrases import NOT_SENDER, NOT_YOURS, WRONG_STATE

MASK = "•••"


def log_referral(action: str, by: Any, referral: Referral, changes: dict[str, Any]) -> None:
    """One entry in the sending organization's log (it owns the case), and one in the receiving
    organization's when it is in CTM: each side's auditor sees what happened to the referral. The
    entries name the case number, the state and the organizations; free text is masked."""
    case = referral.case
    changes = {"referral": referral.pk, **changes}
    record(
        action,
        actor=by.user,
        organization=referral.organization,
        obj=case,
        label=case.number,
        changes=changes,
    )
    if referral.to_organization_id and referral.to_organization_id != referral.organization_id:
        record(
            action,
            actor=by.user,
            organization=referral.to_organization,
            obj=referral,
            label=case.number,
            changes=changes,
        )


def require_state(referral: Referral, states: set[str] | frozenset[str], verb: str) -> None:
    """On the locked row."""
    if referral.state not in states:
        raise InvalidTransition(WRONG_STATE % {"state": referral.get_state_display(), "verb": verb})


def require_receiver(by: Any, referral: Referral) -> None:
    if by is None or by.organization_id != referral.to_organization_id:
        raise NotAllowed(str(NOT_YOURS))


def require_sender(by: Any, referral: Referral) -> None:
    if by is None or by.organization_id != referral.organization_id:
        raise NotAllowed(str(NOT_SENDER))


def answer_days(organization_id: int) -> int:
    """The receiving organization's setting (its own row, read in its scope)."""
    with organization_scope(organization_id):
        row = ReferralSettings.objects.filter(organization_id=organization_id).first()
    return row.answer_days if row else DEFAULT_ANSWER_DAYS


def raise_answer_task(referral: Referral, due_on: datetime.date) -> Task:
    """An "answer due" task for the receiving organization's case managers, and an in-app notification
    for each of them: a kind and a case number, never identifying data."""
    with organization_scope(referral.organization_id, referral.to_organization_id):
        return _raise_answer_task(referral, due_on)


def referral_link(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _raise_answer_task(referral: Referral, due_on: datetime.date) -> Task:
    task = Task.objects.create(
        organization_id=referral.to_organization_id,
        case=referral.case,
        kind=TaskKind.REFERRAL_ANSWER,
        role=Role.CASE_MANAGER,
        due_on=due_on,
    )
    notifications = Notification.objects.bulk_create(
        Notification(
            organization_id=task.organization_id,
            user_id=uid,
            task=task,
            case=referral.case,
            kind=task.kind,
            link=referral_link(referral),
        )
        for uid in sorted(task_users(task))
    )
    queue_emails(notifications)  # for those who opted in, like every other notification
    return task


def notify_sender(referral: Referral, news: ReferralNews) -> None:
    """In the caller's transaction: the sending organization hears that its referral was answered —
    the person who sent it, the case's owner and the organization's case managers (those still active
    members). The kind of news and a link to the referral page; no name, no case number, no free text
    (the reason for declining and the feedback stay behind the referral's door)."""
    with organization_scope(referral.organization_id, referral.to_organization_id):
        members = Membership.objects.filter(organization_id=referral.organization_id, is_active=True)
        wanted = {referral.sent_by_id, referral.case.owner_id}
        user_ids = set(
            members.filter(Q(user_id__in=[u for u in wanted if u]) | Q(role=Role.CASE_MANAGER)).values_list(
                "user_id", flat=True
            )
        )
        notify(
            referral.organization_id, user_ids, kind=news, case=referral.case, link=referral_link(referral)
        )


def settle_answer_task(referral: Referral, by: Any) -> None:
    """In the caller's transaction: the referral was answered or withdrawn."""
    if referral.task_id:
        with organization_scope(referral.organization_id, referral.to_organization_id):
            Task.objects.filter(pk=referral.task_id, status=TaskStatus.OPEN).update(
                status=TaskStatus.DONE, done_by=by.user, done_at=timezone.now(), updated_at=timezone.now()
            )


def text(value: str, field: str, *, required: bool = True, limit: int = 5000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidTransition({field: _("This field is required.")})
    if len(value) > limit:
        raise InvalidTransition({field: _("At most %(n)d characters.") % {"n": limit}})
    return value
