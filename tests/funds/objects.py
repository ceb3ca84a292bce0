"""Funds and requests for tests, made through the domain functions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ctm.core.enums import Role
from ctm.funds.domain.documents import add_document
from ctm.funds.domain.funds import close_fund, create_fund
from ctm.funds.domain.requests import (
    create_request,
    decide_request,
    disburse,
    start_review,
    submit_report,
    submit_request,
)
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
    """A fund of home reviewed by the home fund reviewer, and requests of home in every step: one for
    the home case in review, and others under codes (a draft, submitted, approved, paid, reported)."""
    today = datetime.date.today()
    fund, reviewer = fund_with_reviewer(p.org, reviewer=p.fund_reviewer)
    request = in_review(p.caseworker, fund, reviewer, case=p.case)
    pdf = b"%PDF-1.4\n%%EOF\n"
    document = add_document(
        request, by=p.caseworker, filename="a.pdf", data=pdf, kind="supporting", shared=True
    )
    ids = {"fund": fund.pk, "request": request.pk, "fund_document": document.pk}
    ids["draft_request"] = draft(p.caseworker, fund).pk
    submitted = draft(p.caseworker, fund)
    ids["submitted_request"] = submit_request(submitted, by=p.caseworker).pk
    approved = decide_request(in_review(p.caseworker, fund, reviewer), by=reviewer, decision="approved")
    ids["approved_request"] = approved.pk
    paid = decide_request(in_review(p.caseworker, fund, reviewer), by=reviewer, decision="approved")
    disburse(paid, by=reviewer, amount=Decimal("500"), currency=fund.currency, paid_on=today)
    ids["disbursed_request"] = paid.pk
    reported = decide_request(in_review(p.caseworker, fund, reviewer), by=reviewer, decision="approved")
    disburse(reported, by=reviewer, amount=Decimal("500"), currency=fund.currency, paid_on=today)
    ids["reported_request"] = submit_report(
        reported, by=p.caseworker, spent=Decimal("500"), report="Receipts."
    ).pk
    closed, _reviewer = fund_with_reviewer(p.org, reviewer=p.fund_reviewer)
    ids["closed_fund"] = close_fund(closed, by=p.org_admin).pk
    return ids
