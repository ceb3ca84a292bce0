"""Assistance records for tests, made through the domain functions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ctm.assistance.domain import assessments, plans, services, shelters
from ctm.cases.models import Case

TODAY = datetime.date.today()
SECRET = "Secret: she hides at her aunt's in Bălți"


def fresh(case: Any) -> Case:
    return Case.objects.get(pk=case.pk)


def make_plan(p: Any, *, agreed: bool = False, case: Any = None, by: Any = None) -> Any:
    by = by or p.caseworker
    case = fresh(case or p.case)
    plan = plans.create_plan(case, by=by, objectives=f"Safe housing. {SECRET}", responsible=by.user)
    plans.add_plan_item(
        plan, by=by, data={"support_type": "accommodation", "responsible": by.user, "description": SECRET}
    )
    plans.add_plan_item(plan, by=by, data={"support_type": "medical", "responsible": by.user})
    if agreed:
        plans.record_agreement(plan, by=by, method="signed")
    return plan


def make_assistance(p: Any) -> dict[str, Any]:
    """Every kind of assistance record on the home case, with free text that could leak."""
    assessment = assessments.record_assessment(
        fresh(p.case), by=p.caseworker, safety_risk="high", factors={"stigma": "risk"}, notes=SECRET
    )
    plan = make_plan(p, agreed=True)
    item = plan.items.first()
    service = services.record_service(
        fresh(p.case),
        by=p.caseworker,
        data={
            "support_type": "medical",
            "provider_kind": "outside",
            "provider_name": "Clinic near her aunt's",
            "cost": Decimal("120.50"),
            "currency": "EUR",
            "notes": SECRET,
        },
    )
    shelter = shelters.create_shelter(by=p.case_manager, name="Casa Speranta", places=2, address="Strada 5")
    stay = shelters.admit(fresh(p.case), by=p.caseworker, shelter=shelter)
    return {
        "assessment": assessment.pk,
        "plan": plan.pk,
        "item": item.pk,
        "service": service.pk,
        "shelter": shelter.pk,
        "stay": stay.pk,
    }


def assistance_objects(p: Any) -> dict[str, Any]:
    """`make_assistance` once per personas (the permission matrix asks for it row by row)."""
    if not hasattr(p, "_assistance"):
        from ctm.assistance.models import Task

        p._assistance = make_assistance(p)
        p._assistance["task"] = Task.objects.get(case=p.case, kind="high_risk_follow_up").pk
    return p._assistance  # type: ignore[no-any-return]
