"""The parts of a case's assistance, by id, through the case already fetched at its door."""

from __future__ import annotations

from typing import Any

from ctm.assistance.models import AssistancePlan, PlanItem, ServiceRecord
from ctm.core.domain.security import refuse_part


def get_plan(case: Any, pk: int) -> AssistancePlan:
    plan = AssistancePlan.objects.filter(case=case, pk=pk).first()
    if plan is None:
        refuse_part(case, pk)
    plan.case = case
    return plan


def get_service(case: Any, pk: int) -> ServiceRecord:
    service = ServiceRecord.objects.filter(case=case, pk=pk).first()
    if service is None:
        refuse_part(case, pk)
    service.case = case
    return service


def plan_items(case: Any) -> Any:
    """The planned services of the case's current plans (to link a service to)."""
    return PlanItem.objects.filter(plan__case=case).exclude(plan__status="superseded").select_related("plan")
