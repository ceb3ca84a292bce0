"""The parts of a case's return and reintegration, by id, through the case already fetched at its door."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from ctm.reintegration.models import (
    DurableSolution,
    ReintegrationAssistance,
    ReintegrationPlan,
    TravelDocument,
)


def get_solution(case: Any, pk: int) -> DurableSolution:
    solution = DurableSolution.objects.filter(case=case, pk=pk).first()
    if solution is None:
        raise Http404("No such return")
    solution.case = case
    return solution


def get_document(case: Any, pk: int) -> TravelDocument:
    doc = TravelDocument.objects.filter(solution__case=case, pk=pk).select_related("solution").first()
    if doc is None:
        raise Http404("No such document")
    doc.solution.case = case
    return doc


def get_reintegration_plan(case: Any, pk: int) -> ReintegrationPlan:
    plan = ReintegrationPlan.objects.filter(case=case, pk=pk).first()
    if plan is None:
        raise Http404("No such plan")
    plan.case = case
    return plan


def get_assistance(case: Any, pk: int) -> ReintegrationAssistance:
    item = ReintegrationAssistance.objects.filter(plan__case=case, pk=pk).select_related("plan").first()
    if item is None:
        raise Http404("No such assistance")
    item.plan.case = case
    return item


def solutions_of(case: Any) -> Any:
    return DurableSolution.objects.filter(case=case)
