"""Funds and requests for tests, made through the domain functions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ctm.core.enums import Role
from ctm.funds.domain.funds import create_fund
from ctm.funds.domain.requests import create_request, start_review, submit_request
from tests import factories as f

LINES = [
    {"category": "accommodation", "description": "Two weeks in a shelter", "amount": Decimal("300.00")},
    {"category": "travel", "description": "Bus ticket home", "amount": Decimal("120.00")},
    {"category": "medical", "description": "Dental care", "amount": Decimal("80.00")},
]
NEEDS = "Safe accommodation for two weeks and a ticket home."


def fund_with_reviewer(
    org: Any, *, total: str = "5000.00", currency: str = "EUR", reviewer: Any = None
) -> Any:
    admin = f.make_member(org, Role.ORG_ADMIN)
    reviewer = reviewer or f.make_member(org, Role.FUND_REVIEWER)
    data = {
        "name": "Emergency fund",
        "donor": "Donor agency",
        "year": 2026,
        "currency": currency,
        "total": Decimal(total),
        "eligibility": "Identified victims with no other programme.",
    }
    fund = create_fund(by=admin, data=data, reviewers=[reviewer])
    return fund, reviewer


def draft(
    by: Any, fund: Any, *, case: Any = None, lines: list[dict[str, Any]] | None = None, **data: Any
) -> Any:
    values = {
        "country": "MD",
        "currency": fund.currency,
        "immediate_needs": NEEDS,
        "justification": "The national programme has no budget left this year.",
        **({} if case is not None else {"pseudonym": "EXT-0042"}),
        **data,
    }
    return create_request(by=by, fund=fund, data=values, lines=lines or LINES, case=case)


def in_review(by: Any, fund: Any, reviewer: Any, **kw: Any) -> Any:
    request = draft(by, fund, **kw)
    submit_request(request, by=by)
    return start_review(request, by=reviewer)


def fund_objects(p: Any) -> dict[str, int]:
    """A fund of home reviewed by the home fund reviewer, and a request of home in review."""
    fund, _ = fund_with_reviewer(p.org, reviewer=p.fund_reviewer)
    request = in_review(p.caseworker, fund, p.fund_reviewer, case=p.case)
    return {"fund": fund.pk, "request": request.pk}
