"""Return and reintegration of a case: durable solutions, reintegration plans, monitoring visits and
the trend of their scores, closure with the checklist; and the organization's scoring weights. Lists
holding free text log the read (`reintegration.record.viewed`); writes call the same domain functions
as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.errors import invalid
from ctm.api.lookups import get_case, organization_for
from ctm.api.schemas.common import UrlId, responses
from ctm.api.schemas.reintegration import (
    AssistanceIn,
    AssistanceOut,
    CancelIn,
    ClosureIn,
    ClosureOut,
    DayIn,
    DisbursementIn,
    DisbursementOut,
    FitIn,
    LegIn,
    LegOut,
    ReferralForReturnIn,
    ReintegrationPlanIn,
    ReintegrationPlanOut,
    ReturnReferralIn,
    SolutionIn,
    SolutionOut,
    TravelDocumentIn,
    TravelDocumentOut,
    TrendPointOut,
    VisitIn,
    VisitOut,
    WeightsIn,
    WeightsOut,
)
from ctm.assistance.domain.queries.parts import get_service
from ctm.core.errors import NotAllowed
from ctm.directory.models import SharedEntry
from ctm.referrals.models import Referral
from ctm.reintegration.domain import closure, monitoring, plans, receiving, solutions
from ctm.reintegration.domain.queries.case_reintegration import (
    plans_for_case,
    reread,
    solutions_for_case,
    trend_for_case,
    visits_for_case,
)
from ctm.reintegration.domain.queries.parts import (
    get_assistance,
    get_document,
    get_reintegration_plan,
    get_solution,
)
from ctm.reintegration.engine import scoring
from ctm.reintegration.rules import can_read_cases

router = Router(tags=["reintegration"])
cases = Router(tags=["reintegration"])
R = "/{number}/returns/{solution_id}"


def _lookup(field: str, find: Any, *args: Any) -> Any:
    try:
        return find(*args)
    except Http404:
        raise invalid(field, _("No such record.")) from None


def _solution(request: Any, number: str, solution_id: int) -> Any:
    return get_solution(get_case(request, number), solution_id)


# --- durable solutions ---------------------------------------------------------------------------------


@cases.get("/{number}/returns", response=responses(200, list[SolutionOut], 404), summary="List returns (logged)")
def list_returns(request: Any, number: str) -> Any:
    return solutions_for_case(membership_of(request), get_case(request, number))


@cases.post(
    "/{number}/returns",
    response=responses(201, SolutionOut, 403, 404, 422),
    summary="Plan a return, local integration or resettlement",
)
def plan_return(request: Any, number: str, body: SolutionIn) -> Any:
    """The receiving organization is a CTM organization or a shared directory entry (not both)."""
    case = get_case(request, number)
    data = body.model_dump()
    data["receiving_organization"] = organization_for("receiving_organization", body.receiving_organization)
    contact = None
    if body.receiving_contact is not None:
        contact = SharedEntry.objects.filter(pk=body.receiving_contact).first()
        if contact is None:
            raise invalid("receiving_contact", _("No such directory entry."))
    data["receiving_contact"] = contact
    return Status(201, solutions.plan_solution(case, by=membership_of(request), data=data))


@cases.post(R + "/fit", response=responses(200, SolutionOut, 403, 404, 422), summary="Record a fit-to-travel check")
def fit(request: Any, number: str, solution_id: UrlId, body: FitIn) -> Any:
    solution = _solution(request, number, solution_id)
    by = membership_of(request)
    done = solutions.record_fit_to_travel(solution, by=by, result=body.result, on=body.on)
    return reread(by, solution.case, done, part="solutions")


@cases.post(R + "/documents", response=responses(201, TravelDocumentOut, 403, 404, 422), summary="Add a travel document")
def add_document(request: Any, number: str, solution_id: UrlId, body: TravelDocumentIn) -> Any:
    solution = _solution(request, number, solution_id)
    doc = solutions.add_travel_document(solution, by=membership_of(request), kind=body.kind, status=body.status)
    return Status(201, doc)


@cases.post(
    "/{number}/travel-documents/{document_id}/obtained",
    response=responses(200, TravelDocumentOut, 403, 404, 422),
    summary="Mark a travel document obtained",
)
def document_obtained(request: Any, number: str, document_id: UrlId, body: DayIn) -> Any:
    doc = get_document(get_case(request, number), document_id)
    return solutions.document_obtained(doc, by=membership_of(request), on=body.on)


@cases.post(R + "/legs", response=responses(201, LegOut, 403, 404, 422), summary="Add an itinerary leg")
def add_leg(request: Any, number: str, solution_id: UrlId, body: LegIn) -> Any:
    solution = _solution(request, number, solution_id)
    return Status(201, solutions.add_leg(solution, by=membership_of(request), data=body.model_dump()))


@cases.post(
    R + "/approve",
    response=responses(200, SolutionOut, 403, 404, 422),
    summary="Approve a return (case managers; informed consent, and for a minor a best-interests determination)",
)
def approve(request: Any, number: str, solution_id: UrlId) -> Any:
    solution, by = _solution(request, number, solution_id), membership_of(request)
    return reread(by, solution.case, solutions.approve_solution(solution, by=by), part="solutions")


@cases.post(R + "/departure", response=responses(200, SolutionOut, 403, 404, 422), summary="Confirm the departure")
def departure(request: Any, number: str, solution_id: UrlId, body: DayIn) -> Any:
    solution = _solution(request, number, solution_id)
    by = membership_of(request)
    return reread(by, solution.case, solutions.confirm_departure(solution, by=by, on=body.on), part="solutions")


@cases.post(
    R + "/arrival",
    response=responses(200, SolutionOut, 403, 404, 422),
    summary="Confirm the arrival (raises the monitoring visits at 3, 6 and 12 months)",
)
def arrival(request: Any, number: str, solution_id: UrlId, body: DayIn) -> Any:
    solution = _solution(request, number, solution_id)
    by = membership_of(request)
    return reread(by, solution.case, solutions.confirm_arrival(solution, by=by, on=body.on), part="solutions")


@cases.post(
    R + "/referral",
    response=responses(200, SolutionOut, 403, 404, 422),
    summary="Link the referral (sent or accepted, in the destination country) that asks the receiving "
    "organization to receive the person",
)
def link_referral(request: Any, number: str, solution_id: UrlId, body: ReturnReferralIn) -> Any:
    solution, by = _solution(request, number, solution_id), membership_of(request)
    referral = Referral.objects.filter(case=solution.case, pk=body.referral).first()
    if referral is None:
        raise invalid("referral", _("No such record."))
    solution = receiving.link_referral(solution, by=by, referral=referral)
    return reread(by, solution.case, solution, part="solutions")


@cases.post(
    R + "/referral/new",
    response=responses(201, SolutionOut, 403, 404, 422),
    summary="Send a referral to the receiving organization from the return, and link it "
    "(a valid referral consent naming the organization is required)",
)
def refer_for_return(request: Any, number: str, solution_id: UrlId, body: ReferralForReturnIn) -> Any:
    solution, by = _solution(request, number, solution_id), membership_of(request)
    if solution.case.organization_id != by.organization_id:
        raise NotAllowed(_("Only the case's organization refers it."))
    data = body.model_dump()
    data["to_organization"] = organization_for("to_organization", body.to_organization)
    try:
        receiving.refer_for_return(solution, by=by, data=data)
    except Http404:
        raise invalid("directory_ref", _("No such directory entry.")) from None
    solution = get_solution(solution.case, solution.pk)
    return Status(201, reread(by, solution.case, solution, part="solutions"))


@cases.post(R + "/cancel", response=responses(200, SolutionOut, 403, 404, 422), summary="Cancel a return")
def cancel(request: Any, number: str, solution_id: UrlId, body: CancelIn) -> Any:
    solution = _solution(request, number, solution_id)
    by = membership_of(request)
    done = solutions.cancel_solution(solution, by=by, reason=body.reason)
    return reread(by, solution.case, done, part="solutions")


# --- reintegration plans ---------------------------------------------------------------------------------


@cases.get(
    "/{number}/reintegration-plans",
    response=responses(200, list[ReintegrationPlanOut], 404),
    summary="List reintegration plans (logged)",
)
def list_plans(request: Any, number: str) -> Any:
    return plans_for_case(membership_of(request), get_case(request, number))


@cases.post(
    "/{number}/reintegration-plans",
    response=responses(201, ReintegrationPlanOut, 403, 404, 422),
    summary="Start a reintegration plan",
)
def create_plan(request: Any, number: str, body: ReintegrationPlanIn) -> Any:
    case = get_case(request, number)
    solution = _lookup("solution", get_solution, case, body.solution) if body.solution else None
    plan = plans.create_reintegration_plan(case, by=membership_of(request), needs=body.needs, solution=solution)
    return Status(201, plan)


@cases.post(
    "/{number}/reintegration-plans/{plan_id}/assistance",
    response=responses(201, AssistanceOut, 403, 404, 422),
    summary="Add assistance (allowance, micro-business, education, housing, medical …) to a plan",
)
def add_assistance(request: Any, number: str, plan_id: UrlId, body: AssistanceIn) -> Any:
    case = get_case(request, number)
    plan = get_reintegration_plan(case, plan_id)
    data = body.model_dump()
    data["service"] = _lookup("service", get_service, case, body.service) if body.service else None
    return Status(201, plans.add_assistance(plan, by=membership_of(request), data=data))


@cases.post(
    "/{number}/reintegration-assistance/{assistance_id}/disbursements",
    response=responses(201, DisbursementOut, 403, 404, 422),
    summary="Record a disbursement (never more than the assistance's amount in all)",
)
def disburse(request: Any, number: str, assistance_id: UrlId, body: DisbursementIn) -> Any:
    item = get_assistance(get_case(request, number), assistance_id)
    payment = plans.record_disbursement(item, by=membership_of(request), amount=body.amount, paid_on=body.paid_on)
    return Status(201, payment)


# --- monitoring ----------------------------------------------------------------------------------------------


@cases.get("/{number}/visits", response=responses(200, list[VisitOut], 404), summary="List monitoring visits (logged)")
def list_visits(request: Any, number: str) -> Any:
    return visits_for_case(membership_of(request), get_case(request, number))


@cases.post(
    "/{number}/visits",
    response=responses(201, VisitOut, 403, 404, 422),
    summary="Record a monitoring visit (scored with the organization's weights)",
)
def record_visit(request: Any, number: str, body: VisitIn) -> Any:
    case = get_case(request, number)
    return Status(201, monitoring.record_visit(case, by=membership_of(request), data=body.model_dump()))


@cases.get(
    "/{number}/trend",
    response=responses(200, list[TrendPointOut], 404),
    summary="The sustainability scores of the case's visits, oldest first",
)
def trend(request: Any, number: str) -> Any:
    return trend_for_case(get_case(request, number))


@cases.post(
    "/{number}/closure",
    response=responses(200, ClosureOut, 403, 404, 422),
    summary="Close the case with the checklist (a caseworker's closure of a minor's case waits for a case manager)",
)
def close(request: Any, number: str, body: ClosureIn) -> Any:
    case = get_case(request, number)
    return closure.close_with_checklist(
        case, by=membership_of(request), reason=body.reason, note=body.note, checks=list(body.checks)
    )


# --- the organization's weights ------------------------------------------------------------------------------


def _weights_out(weights: scoring.Weights) -> dict[str, Any]:
    return {"indicators": weights.indicators, "dimensions": weights.dimensions}


@router.get("/scoring", response=responses(200, WeightsOut, 403), summary="The organization's scoring weights")
def get_weights(request: Any) -> Any:
    membership = membership_of(request)
    if not can_read_cases(membership):
        raise NotAllowed("Your role does not give access to cases.")
    return _weights_out(monitoring.weights_of(membership.organization_id))


@router.put(
    "/scoring",
    response=responses(200, WeightsOut, 403, 422),
    summary="Set the organization's scoring weights (case managers; weights not given stay as they are)",
)
def set_weights(request: Any, body: WeightsIn) -> Any:
    membership = membership_of(request)
    current = monitoring.weights_of(membership.organization_id)
    weights = scoring.Weights(
        {**current.indicators, **{str(k): v for k, v in body.indicators.items()}},
        {**current.dimensions, **{str(k): v for k, v in body.dimensions.items()}},
    )
    monitoring.set_scoring_weights(by=membership, weights=weights)
    return _weights_out(weights)
