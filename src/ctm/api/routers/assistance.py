"""Assistance on a case: assessments, plans, services, shelter stays. Lists holding free text log
the read (`assistance.record.viewed`); writes call the same domain functions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from ctm.accounts.models import User
from ctm.api.auth import membership_of
from ctm.api.errors import invalid
from ctm.api.lookups import get_case, organization_for
from ctm.api.schemas.assistance import (
    AdmitIn,
    AgreementIn,
    AssessmentIn,
    AssessmentOut,
    DischargeIn,
    PlanIn,
    PlanItemIn,
    PlanItemOut,
    PlanOut,
    ServiceIn,
    ServiceOut,
    ServiceStatusIn,
    StayOut,
)
from ctm.api.schemas.common import UrlId, responses
from ctm.assistance.domain import assessments, plans, services, shelters
from ctm.assistance.domain.queries.case_assistance import (
    assessments_for_case,
    plans_for_case,
    reread,
    services_for_case,
)
from ctm.assistance.domain.queries.parts import get_plan, get_service, plan_items
from ctm.assistance.domain.queries.work import get_shelter, open_stay

router = Router(tags=["assistance"])


def _user(field: str, user_id: int) -> User:
    """A user by id (the domain function checks they work in the case's organization)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise invalid(field, _("No such user."))
    return user


def _lookup(field: str, find: Any, *args: Any) -> Any:
    try:
        return find(*args)
    except Http404:
        raise invalid(field, _("No such record.")) from None


# --- assessments --------------------------------------------------------------------------------------


@router.get(
    "/{number}/assessments",
    response=responses(200, list[AssessmentOut], 404),
    summary="List risk assessments (logged when notes are shown)",
)
def list_assessments(request: Any, number: str) -> Any:
    return assessments_for_case(membership_of(request), get_case(request, number))


@router.post(
    "/{number}/assessments",
    response=responses(201, AssessmentOut, 403, 404, 422),
    summary="Record a vulnerability and risk assessment",
)
def create_assessment(request: Any, number: str, body: AssessmentIn) -> Any:
    """A high safety risk flags the case and raises a follow-up task for its case managers."""
    case = get_case(request, number)
    assessment = assessments.record_assessment(
        case,
        by=membership_of(request),
        safety_risk=body.safety_risk,
        factors={str(k): str(v) for k, v in body.factors.items()},
        assessed_on=body.assessed_on,
        notes=body.notes,
    )
    return Status(201, assessment)


# --- plans -----------------------------------------------------------------------------------------------


@router.get(
    "/{number}/plans", response=responses(200, list[PlanOut], 404), summary="List assistance plans (logged)"
)
def list_plans(request: Any, number: str) -> Any:
    return plans_for_case(membership_of(request), get_case(request, number))


@router.post("/{number}/plans", response=responses(201, PlanOut, 403, 404, 422), summary="Start a plan")
def create_plan(request: Any, number: str, body: PlanIn) -> Any:
    case = get_case(request, number)
    plan = plans.create_plan(
        case,
        by=membership_of(request),
        objectives=body.objectives,
        responsible=_user("responsible", body.responsible),
    )
    return Status(201, plan)


@router.post(
    "/{number}/plans/{plan_id}/items",
    response=responses(201, PlanItemOut, 403, 404, 422),
    summary="Add a planned service to a draft plan",
)
def add_item(request: Any, number: str, plan_id: UrlId, body: PlanItemIn) -> Any:
    plan = get_plan(get_case(request, number), plan_id)
    data = body.model_dump()
    data["responsible"] = _user("responsible", body.responsible)
    return Status(201, plans.add_plan_item(plan, by=membership_of(request), data=data))


@router.post(
    "/{number}/plans/{plan_id}/agreement",
    response=responses(200, PlanOut, 403, 404, 422),
    summary="Record the person's agreement to a draft plan",
)
def agree(request: Any, number: str, plan_id: UrlId, body: AgreementIn) -> Any:
    case = get_case(request, number)
    plan = plans.record_agreement(
        get_plan(case, plan_id), by=membership_of(request), agreed_on=body.agreed_on, method=body.method
    )
    return reread(membership_of(request), case, plan, part="plans")


@router.post(
    "/{number}/plans/{plan_id}/approve",
    response=responses(200, PlanOut, 403, 404, 422),
    summary="Approve an agreed plan (case managers)",
)
def approve(request: Any, number: str, plan_id: UrlId) -> Any:
    case = get_case(request, number)
    plan = plans.approve_plan(get_plan(case, plan_id), by=membership_of(request))
    return reread(membership_of(request), case, plan, part="plans")


# --- services -----------------------------------------------------------------------------------------------


@router.get(
    "/{number}/services",
    response=responses(200, list[ServiceOut], 404),
    summary="List services (logged when notes or outside providers are shown)",
)
def list_services(request: Any, number: str) -> Any:
    return services_for_case(membership_of(request), get_case(request, number))


@router.post(
    "/{number}/services", response=responses(201, ServiceOut, 403, 404, 422), summary="Record a service"
)
def create_service(request: Any, number: str, body: ServiceIn) -> Any:
    case = get_case(request, number)
    data = body.model_dump()
    data["currency"] = body.currency or ""
    data["provider_organization"] = organization_for("provider_organization", body.provider_organization)
    if body.plan_item is not None:
        data["plan_item"] = plan_items(case).filter(pk=body.plan_item).first()
        if data["plan_item"] is None:
            raise invalid("plan_item", _("No such planned service for this case."))
    return Status(201, services.record_service(case, by=membership_of(request), data=data))


@router.post(
    "/{number}/services/{service_id}/status",
    response=responses(200, ServiceOut, 403, 404, 422),
    summary="Move a service to a new status",
)
def service_status(request: Any, number: str, service_id: UrlId, body: ServiceStatusIn) -> Any:
    case = get_case(request, number)
    service = services.change_service_status(
        get_service(case, service_id), by=membership_of(request), status=body.status, on=body.on
    )
    return reread(membership_of(request), case, service, part="services")


# --- shelter stays ---------------------------------------------------------------------------------------------


@router.post(
    "/{number}/stays",
    response=responses(201, StayOut, 403, 404, 422),
    summary="Admit the person to a shelter (refused when full, unless a case manager gives a reason)",
)
def admit(request: Any, number: str, body: AdmitIn) -> Any:
    case = get_case(request, number)
    membership = membership_of(request)
    shelter = _lookup("shelter", get_shelter, membership, body.shelter)
    service = _lookup("service", get_service, case, body.service) if body.service else None
    stay = shelters.admit(
        case,
        by=membership,
        shelter=shelter,
        on=body.admitted_on,
        service=service,
        override_reason=body.override_reason,
    )
    return Status(201, stay)


@router.post(
    "/{number}/stays/{stay_id}/discharge",
    response=responses(200, StayOut, 403, 404, 422),
    summary="Discharge the person from the shelter",
)
def discharge(request: Any, number: str, stay_id: UrlId, body: DischargeIn) -> Any:
    stay = open_stay(get_case(request, number), stay_id)
    return shelters.discharge(stay, by=membership_of(request), on=body.discharged_on)
