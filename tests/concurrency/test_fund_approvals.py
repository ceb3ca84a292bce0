"""Twenty reviewers' approvals at once against a fund that covers ten: exactly ten commit, the
fund's balance never goes below zero (the fund's row is locked by every approval)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from ctm.funds.domain.requests import decide_request, disburse
from ctm.funds.enums import RequestState
from ctm.funds.models import Fund, FundRequest
from tests import factories as f
from tests.concurrency.conftest import concurrently
from tests.funds.objects import fund_with_reviewer, in_review

N = 20


def test_twenty_approvals_against_a_fund_for_ten(two_connections, personas):
    fund_org = f.make_org("FND", "CH", name="Fund manager")
    fund, reviewer = fund_with_reviewer(fund_org, total="5000.00")  # each request asks for 500.00
    ids = [in_review(personas.caseworker, fund, reviewer).pk for _ in range(N)]

    def approve(i):
        return decide_request(FundRequest.objects.get(pk=ids[i]), by=reviewer, decision="approved")

    outcomes = concurrently(N, approve, organizations=[personas.org, fund_org])
    refused = [o for o in outcomes if isinstance(o.error, ValidationError)]
    assert [o.error for o in outcomes if not o.ok and o not in refused] == []
    assert sum(o.ok for o in outcomes) == 10 and len(refused) == 10
    fund = Fund.objects.get(pk=fund.pk)
    assert fund.committed == Decimal("5000.00") and fund.remaining == 0
    states = list(FundRequest.objects.filter(pk__in=ids).values_list("state", flat=True))
    assert states.count(RequestState.APPROVED) == 10 and states.count(RequestState.IN_REVIEW) == 10


def test_concurrent_payments_never_exceed_the_approval(two_connections, personas):
    fund_org = f.make_org("FND", "CH", name="Fund manager")
    fund, reviewer = fund_with_reviewer(fund_org)
    request = in_review(personas.caseworker, fund, reviewer)
    decide_request(request, by=reviewer, decision="approved")  # 500.00

    def pay(i):
        today = request.created_at.date()
        return disburse(
            FundRequest.objects.get(pk=request.pk),
            by=reviewer,
            amount=Decimal("100"),
            currency="EUR",
            paid_on=today,
        )

    outcomes = concurrently(8, pay, organizations=[personas.org, fund_org])
    assert sum(o.ok for o in outcomes) == 5
    assert FundRequest.objects.get(pk=request.pk).disbursed == Decimal("500.00")
    assert Fund.objects.get(pk=fund.pk).disbursed == Decimal("500.00")


def test_closing_while_an_approval_is_in_flight(race, personas):
    """The approval holds the fund's lock: the closing waits for it, and its balance includes it."""
    from ctm.funds.domain.funds import close_fund

    fund_org = f.make_org("FND", "CH", name="Fund manager")
    fund, reviewer = fund_with_reviewer(fund_org)
    admin = fund_org.memberships.get(role="org_admin")
    request = in_review(personas.caseworker, fund, reviewer)
    first, second = race(
        lambda: decide_request(FundRequest.objects.get(pk=request.pk), by=reviewer, decision="approved"),
        lambda: close_fund(Fund.objects.get(pk=fund.pk), by=admin),
        organizations=[personas.org, fund_org],
    )
    assert first.ok and second.ok, (first.error, second.error)
    fund = Fund.objects.get(pk=fund.pk)
    assert not fund.is_open and fund.committed == fund.closing_committed == Decimal("500.00")
    assert FundRequest.objects.get(pk=request.pk).state == RequestState.APPROVED


def test_an_approval_waiting_for_the_closing_is_refused(race, personas):
    """The closing holds the fund's lock: the approval waits, then reads a closed fund and commits nothing."""
    from ctm.core.errors import InvalidTransition
    from ctm.funds.domain.funds import close_fund

    fund_org = f.make_org("FND", "CH", name="Fund manager")
    fund, reviewer = fund_with_reviewer(fund_org)
    admin = fund_org.memberships.get(role="org_admin")
    request = in_review(personas.caseworker, fund, reviewer)
    first, second = race(
        lambda: close_fund(Fund.objects.get(pk=fund.pk), by=admin),
        lambda: decide_request(FundRequest.objects.get(pk=request.pk), by=reviewer, decision="approved"),
        organizations=[personas.org, fund_org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    fund = Fund.objects.get(pk=fund.pk)
    assert fund.committed == fund.closing_committed == Decimal("0.00")
    assert FundRequest.objects.get(pk=request.pk).state == RequestState.IN_REVIEW
