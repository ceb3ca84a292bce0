"""The screening interview and the eligibility decisions (proposed, then approved or sent back)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.lookups import get_case
from ctm.api.schemas.common import UrlId, responses
from ctm.api.schemas.parts import EligibilityIn, EligibilityOut, ScreeningIn, ScreeningOut
from ctm.cases.domain.queries.parts import eligibility_for_case, get_decision, screening_for_case
from ctm.cases.domain.screening import propose_eligibility, record_screening, review_eligibility

router = Router(tags=["screening and eligibility"])


@router.get(
    "/{number}/screening",
    response=responses(200, ScreeningOut, 404),
    summary="Read the screening interview (logged)",
)
def read_screening(request: Any, number: str) -> Any:
    """404 while no interview was recorded (then PUT with `version: 0`)."""
    screening = screening_for_case(membership_of(request), get_case(request, number), purpose="api")
    if screening is None:
        raise Http404("No screening interview yet")
    return screening


@router.put(
    "/{number}/screening",
    response=responses(200, ScreeningOut, 403, 404, 409, 422),
    summary="Record the screening interview",
)
def put_screening(request: Any, number: str, body: ScreeningIn) -> Any:
    case = get_case(request, number)
    return record_screening(case, by=membership_of(request), data=body.domain_data(), version=body.version)


@router.get(
    "/{number}/eligibility",
    response=responses(200, list[EligibilityOut], 404),
    summary="List eligibility decisions",
)
def list_eligibility(request: Any, number: str) -> Any:
    case = get_case(request, number)
    return eligibility_for_case(membership_of(request), case, purpose="api")


@router.post(
    "/{number}/eligibility",
    response=responses(201, EligibilityOut, 403, 404, 422),
    summary="Propose a decision",
)
def propose(request: Any, number: str, body: EligibilityIn) -> Any:
    case = get_case(request, number)
    return Status(201, propose_eligibility(case, by=membership_of(request), data=body.model_dump()))


def _review(request: Any, number: str, decision_id: int, *, approve: bool) -> Any:
    case, membership = get_case(request, number), membership_of(request)
    decision = review_eligibility(get_decision(case, decision_id), by=membership, approve=approve)
    # the answer shows the decision's reasons: read back through the door that logs it
    return next(d for d in eligibility_for_case(membership, case, purpose="api") if d.pk == decision.pk)


@router.post(
    "/{number}/eligibility/{decision_id}/approve",
    response=responses(200, EligibilityOut, 403, 404, 422),
    summary="Approve",
)
def approve(request: Any, number: str, decision_id: UrlId) -> Any:
    return _review(request, number, decision_id, approve=True)


@router.post(
    "/{number}/eligibility/{decision_id}/reject",
    response=responses(200, EligibilityOut, 403, 404, 422),
    summary="Send back",
)
def reject(request: Any, number: str, decision_id: UrlId) -> Any:
    return _review(request, number, decision_id, approve=False)
