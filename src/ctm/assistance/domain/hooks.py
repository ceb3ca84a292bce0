"""Tasks raised by events of the case register, which knows nothing of assistance.

Two `post_save` receivers (connected in `AssistanceConfig.ready`), run inside the transaction of the
register's domain function that saved the row, so the task exists exactly when the event does:

- a first screening interview raises "eligibility decision due" for the case's owner, due 7 days
  after the interview (unless a decision is already recorded);
- a proposed eligibility decision settles that task.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ctm.assistance.domain.work import raise_task
from ctm.assistance.enums import TaskKind, TaskStatus
from ctm.assistance.models import Task
from ctm.cases.models import Case, EligibilityDecision


def screening_recorded(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or EligibilityDecision.objects.filter(case_id=instance.case_id).exists():
        return
    case = Case.objects.select_related("owner").get(pk=instance.case_id)
    raise_task(
        case,
        kind=TaskKind.ELIGIBILITY_DUE,
        on=instance.interview_date or timezone.localdate(),
        assignee=case.owner,
    )


def eligibility_proposed(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created:
        return
    Task.objects.filter(
        case_id=instance.case_id, kind=TaskKind.ELIGIBILITY_DUE, status=TaskStatus.OPEN
    ).update(
        status=TaskStatus.DONE,
        done_by_id=instance.proposed_by_id,
        done_at=timezone.now(),
        updated_at=timezone.now(),
    )
