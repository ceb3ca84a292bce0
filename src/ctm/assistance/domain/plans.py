"""Assistance plans: drafted, agreed with the person, approved by a case manager."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.common import (
    case_staff_ids,
    lock,
    lock_open,
    log_case,
    masked,
    not_future,
    require_manager,
    require_open,
    require_write,
)
from ctm.assistance.domain.work import close_open_tasks, raise_task
from ctm.assistance.enums import AgreementMethod, PlanStatus, SupportType, TaskKind
from ctm.assistance.models import AssistancePlan, PlanItem
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership


def _require_staff(case: Any, user: Any, field: str = "responsible") -> None:
    if user is None or user.pk not in case_staff_ids(case.organization_id):
        raise InvalidTransition({field: _("Choose a caseworker or case manager of the case's organization.")})


def create_plan(case: Any, *, by: Membership, objectives: str, responsible: Any) -> AssistancePlan:
    require_write(by, case)
    if not objectives.strip():
        raise InvalidTransition({"objectives": _("Write the plan's objectives.")})
    _require_staff(case, responsible)
    with transaction.atomic():
        lock_open(case)
        plan = AssistancePlan.objects.create(
            organization_id=case.organization_id,
            case=case,
            objectives=objectives,
            responsible=responsible,
            created_by=by.user,
        )
        log_case(
            "assistance.plan.created",
            by,
            case,
            {
                "plan": [None, plan.pk],
                "objectives": masked(objectives),
                "responsible": [None, responsible.pk],
            },
        )
    return plan


def _editable(plan: AssistancePlan) -> None:
    """On the locked plan: only a draft changes (an approved plan is revised by a new draft)."""
    if plan.status != PlanStatus.DRAFT:
        raise InvalidTransition(_("Only a draft plan can be changed; start a new plan to revise it."))


def add_plan_item(plan: AssistancePlan, *, by: Membership, data: dict[str, Any]) -> PlanItem:
    case = plan.case
    require_write(by, case)
    if data.get("support_type") not in SupportType.values:
        raise InvalidTransition({"support_type": _("Choose a support type.")})
    _require_staff(case, data.get("responsible"))
    start, end = data.get("planned_start"), data.get("planned_end")
    if start and end and end < start:
        raise InvalidTransition({"planned_end": _("The end cannot be before the start.")})
    with transaction.atomic():
        lock_open(case)
        lock(plan)
        _editable(plan)
        item = PlanItem.objects.create(
            organization_id=case.organization_id,
            plan=plan,
            support_type=data["support_type"],
            description=data.get("description", ""),
            responsible=data["responsible"],
            planned_start=start,
            planned_end=end,
        )
        log_case(
            "assistance.plan_item.added",
            by,
            case,
            {"plan": [None, plan.pk], "support_type": [None, item.support_type]},
        )
    return item


def record_agreement(
    plan: AssistancePlan, *, by: Membership, agreed_on: datetime.date | None = None, method: str
) -> AssistancePlan:
    """The person agreed to the plan (how and when); a case manager is then asked to approve it."""
    case = plan.case
    require_write(by, case)
    if method not in AgreementMethod.values:
        raise InvalidTransition({"method": _("Say how the person agreed.")})
    if case.is_minor and method != AgreementMethod.GUARDIAN:
        raise InvalidTransition({"method": _("A minor agrees to the plan with their guardian.")})
    day = agreed_on or timezone.localdate()
    not_future("agreed_on", day)
    with transaction.atomic():
        lock_open(case)
        lock(plan)
        _editable(plan)
        if not plan.items.exists():
            raise InvalidTransition(_("Add at least one planned service before recording the agreement."))
        plan.agreed_on, plan.agreement_method, plan.agreement_recorded_by = day, method, by.user
        plan.save(update_fields=["agreed_on", "agreement_method", "agreement_recorded_by", "updated_at"])
        task = raise_task(case, kind=TaskKind.PLAN_APPROVAL, on=day, role=Role.CASE_MANAGER)
        log_case(
            "assistance.plan.agreed",
            by,
            case,
            {"plan": [None, plan.pk], "agreement_method": [None, method], "task": [None, task.kind]},
        )
    return plan


def approve_plan(plan: AssistancePlan, *, by: Membership) -> AssistancePlan:
    """A case manager approves an agreed draft; the plan it replaces (if any) is superseded."""
    case = plan.case
    require_manager(by, case)
    with transaction.atomic():
        lock(case)  # the case's plans change together: one approval at a time
        lock(plan)
        require_open(case)
        _editable(plan)
        if plan.agreed_on is None:
            raise InvalidTransition(_("Record the person's agreement before approving the plan."))
        replaced = list(
            AssistancePlan.objects.filter(case=case, status=PlanStatus.APPROVED).values_list("pk", flat=True)
        )
        AssistancePlan.objects.filter(pk__in=replaced).update(
            status=PlanStatus.SUPERSEDED, updated_at=timezone.now()
        )
        plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, by.user, timezone.now()
        plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        close_open_tasks(case, TaskKind.PLAN_APPROVAL, by=by)
        log_case(
            "assistance.plan.approved",
            by,
            case,
            {
                "plan": [None, plan.pk],
                "status": [PlanStatus.DRAFT, PlanStatus.APPROVED],
                "superseded": [None, replaced],
            },
        )
    return plan
