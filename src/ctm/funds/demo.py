"""A fictional emergency fund for `ctm demo`, run by the demo's migration mission, with a queue of
requests from the demo organizations for its fund reviewer: submitted, in review, approved, paid,
and one whose organization let the reviewers see who it is for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ctm.core.enums import Role

MANAGER = "BKK"
NEEDS = (
    ("accommodation", "Two weeks in a shelter", "320.00"),
    ("medical", "Medical check-up and medicine", "150.00"),
    ("travel", "Bus ticket home and meals on the way", "180.00"),
    ("reintegration", "Tools to start a small business", "400.00"),
    ("legal", "Lawyer's fees for the hearing", "250.00"),
)


def _member(org: Any, role: str) -> Any:
    from ctm.core.models import Membership

    return Membership.objects.filter(organization=org, role=role, is_active=True).order_by("id").first()


def load_fund_demo() -> int:
    """Returns how many requests were made. Runs once (does nothing when the demo fund exists)."""
    from django.db import transaction

    from ctm.cases.models import Case
    from ctm.core.models import Organization
    from ctm.core.scopes import organization_scope
    from ctm.funds.domain import requests as domain
    from ctm.funds.domain.funds import create_fund
    from ctm.funds.models import Fund

    if Fund.objects.filter(name__startswith="Emergency Assistance Fund").exists():
        return 0
    orgs = list(Organization.objects.filter(code__in=["CHI", "BKK", "LAG"]).order_by("code"))
    manager = next(o for o in orgs if o.code == MANAGER)
    reviewer = _member(manager, Role.FUND_REVIEWER)
    with transaction.atomic():
        fund = create_fund(
            by=_member(manager, Role.ORG_ADMIN),
            data={
                "name": "Emergency Assistance Fund (fictional)",
                "donor": "A fictional donor agency",
                "year": 2026,
                "currency": "USD",
                "total": Decimal("25000.00"),
                "eligibility": "Identified or presumed victims of trafficking with urgent needs that no other programme covers.",
            },
            reviewers=[reviewer],
        )
        made = []
        for i, org in enumerate(o for o in orgs for _ in range(3)):
            with organization_scope(org):
                by = _member(org, Role.CASE_MANAGER)
                case = Case.objects.filter(organization=org).order_by("number")[i % 3] if i % 2 == 0 else None
                category, detail, amount = NEEDS[i % len(NEEDS)]
                request = domain.create_request(
                    by=by,
                    fund=fund,
                    case=case,
                    data={
                        "pseudonym": "" if case else f"EXT-{org.code}-{i + 1:03d}",
                        "country": org.country,
                        "currency": "USD",
                        "immediate_needs": f"{detail} (fictional).",
                        "justification": "The national programme's budget for this year is spent (fictional).",
                    },
                    lines=[{"category": category, "description": detail, "amount": Decimal(amount)}],
                )
                domain.submit_request(request, by=by)
                if case and i == 0:
                    domain.grant_identity(request, by=by, granted=True)
                made.append(request)
        with organization_scope(*orgs):
            _advance(made, reviewer)
        made += _last_year(orgs, manager, reviewer)
    return len(made)


def _last_year(orgs: list[Any], manager: Any, reviewer: Any) -> list[Any]:
    """Last year's fund, closed with one request approved and paid in part (its closing balance
    report), and a draft of this year's that its caseworker may still change."""
    from django.utils import timezone

    from ctm.core.scopes import organization_scope
    from ctm.funds.domain import requests as domain
    from ctm.funds.domain.funds import close_fund, create_fund

    admin = _member(manager, Role.ORG_ADMIN)
    data = {
        "name": "Emergency Assistance Fund 2025 (fictional)",
        "donor": "A fictional donor agency",
        "year": 2025,
        "currency": "USD",
        "total": Decimal("10000.00"),
        "eligibility": "Last year's rules (fictional).",
    }
    old = create_fund(by=admin, data=data, reviewers=[reviewer])
    chi = next(o for o in orgs if o.code == "CHI")
    with organization_scope(chi):
        by = _member(chi, Role.CASE_MANAGER)
        lines = [{"category": "medical", "description": "Hospital stay", "amount": Decimal("1200.00")}]
        values = {
            "pseudonym": "EXT-CHI-2025",
            "country": chi.country,
            "currency": "USD",
            "immediate_needs": "Hospital stay after an injury (fictional).",
            "justification": "No health insurance (fictional).",
        }
        request = domain.create_request(by=by, fund=old, data=values, lines=lines)
        domain.submit_request(request, by=by)
        domain.start_review(request, by=reviewer)
        domain.decide_request(request, by=reviewer, decision="approved")
        domain.disburse(request, by=reviewer, amount=Decimal("800.00"), currency="USD", paid_on=timezone.localdate())
        close_fund(old, by=admin)
        current = old.__class__.objects.get(name__startswith="Emergency Assistance Fund (fictional)")
        draft = domain.create_request(
            by=_member(chi, Role.CASEWORKER),
            fund=current,
            data={**values, "pseudonym": "EXT-CHI-2026-01", "immediate_needs": "Rent for a month (fictional)."},
            lines=[{"category": "accommodation", "description": "Rent", "amount": Decimal("300.00")}],
        )
    return [request, draft]


def _advance(made: list[Any], reviewer: Any) -> None:
    """Some requests further along: in review, decided, paid — the others wait in the queue."""
    from django.utils import timezone

    from ctm.funds.domain import requests as domain

    today = timezone.localdate()
    for request in made[:6]:
        domain.start_review(request, by=reviewer)
    domain.decide_request(made[0], by=reviewer, decision="approved")
    domain.decide_request(
        made[1],
        by=reviewer,
        decision="partly_approved",
        amount=made[1].requested_total / 2,
        reasons="Half is covered by the shelter (fictional).",
    )
    domain.decide_request(
        made[2], by=reviewer, decision="rejected", reasons="Covered by the national programme (fictional)."
    )
    domain.disburse(made[0], by=reviewer, amount=made[0].committed, currency="USD", paid_on=today)
