"""The fund's money rules and the request's states, tried like an attacker would."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog
from ctm.funds.domain import requests as domain
from ctm.funds.enums import RequestState
from ctm.funds.models import Fund, FundRequest
from tests import factories as f
from tests.funds.objects import draft, fund_with_reviewer, in_review

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def fund_org(db):
    return f.make_org("FND", "CH", name="Fund manager")


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_the_whole_life_of_a_request(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    request = in_review(personas.caseworker, fund, reviewer, case=personas.case)
    domain.decide_request(
        request, by=reviewer, decision="partly_approved", amount=Decimal("400"), reasons="No dental care."
    )
    assert fresh(fund).committed == Decimal("400.00")
    domain.disburse(request, by=reviewer, amount=Decimal("250"), currency="EUR", paid_on=TODAY)
    domain.disburse(request, by=reviewer, amount=Decimal("150"), currency="EUR", paid_on=TODAY)
    with pytest.raises(ValidationError):
        domain.disburse(request, by=reviewer, amount=Decimal("0.01"), currency="EUR", paid_on=TODAY)
    domain.submit_report(request, by=personas.caseworker, spent=Decimal("380"), report="Receipts 1-4 kept.")
    domain.close_request(request, by=reviewer)
    request, fund = fresh(request), fresh(fund)
    assert request.state == RequestState.CLOSED and request.disbursed == Decimal("400.00")
    assert (fund.committed, fund.disbursed, fund.remaining) == (
        Decimal("400.00"),
        Decimal("400.00"),
        Decimal("4600.00"),
    )
    actions = list(
        ActivityLog.objects.filter(object_type="funds.fundrequest")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "funds.request.created",
        "funds.request.submitted",
        "funds.request.review_started",
        "funds.request.decided",
        "funds.request.disbursed",
        "funds.request.disbursed",
        "funds.request.reported",
        "funds.request.closed",
    ]


def test_never_commit_more_than_the_balance(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org, total="600.00")
    first = in_review(personas.caseworker, fund, reviewer)
    second = in_review(personas.caseworker, fund, reviewer)
    domain.decide_request(first, by=reviewer, decision="approved")
    with pytest.raises(ValidationError) as exc:
        domain.decide_request(second, by=reviewer, decision="approved")
    assert "100.00" in str(exc.value)
    assert fresh(second).state == RequestState.IN_REVIEW and fresh(fund).committed == Decimal("500.00")


def test_the_database_refuses_an_overcommitted_fund_too(personas, fund_org):
    """Last line of defence: a write that skipped the domain still cannot leave a negative balance."""
    fund, _ = fund_with_reviewer(fund_org, total="100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.filter(pk=fund.pk).update(committed=Decimal("100.01"))


def test_never_disburse_more_than_approved_whatever_the_currency(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    request = in_review(personas.caseworker, fund, reviewer, currency="MDL")
    with pytest.raises(ValidationError) as exc:
        domain.decide_request(request, by=reviewer, decision="approved")  # no rate for MDL → EUR
    assert "rate" in exc.value.message_dict
    domain.decide_request(
        request, by=reviewer, decision="approved", rate=Decimal("0.05"), rate_date=TODAY
    )  # 500 MDL → 25.00 EUR
    request = fresh(request)
    assert (request.committed, request.rate, request.rate_date) == (Decimal("25.00"), Decimal("0.05"), TODAY)
    with pytest.raises(ValidationError):
        domain.disburse(
            request,
            by=reviewer,
            amount=Decimal("501"),
            currency="MDL",
            rate=Decimal("0.05"),
            rate_date=TODAY,
            paid_on=TODAY,
        )
    payment = domain.disburse(
        request,
        by=reviewer,
        amount=Decimal("500"),
        currency="MDL",
        rate=Decimal("0.05"),
        rate_date=TODAY,
        paid_on=TODAY,
    )
    assert (payment.amount, payment.paid_amount, payment.paid_currency) == (
        Decimal("25.00"),
        Decimal("500"),
        "MDL",
    )


def test_decisions_need_reasons_and_sane_amounts(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    request = in_review(personas.caseworker, fund, reviewer)
    for kwargs in (
        {"decision": "rejected"},
        {"decision": "partly_approved", "amount": Decimal("500"), "reasons": "x"},  # not a part
        {"decision": "partly_approved", "amount": Decimal("-1"), "reasons": "x"},
        {"decision": "partly_approved", "amount": Decimal("100")},  # no reasons
    ):
        with pytest.raises(ValidationError):
            domain.decide_request(request, by=reviewer, **kwargs)
    domain.decide_request(
        request, by=reviewer, decision="rejected", reasons="Covered by the national programme."
    )
    assert fresh(fund).committed == 0
    with pytest.raises(InvalidTransition):
        domain.disburse(request, by=reviewer, amount=Decimal("1"), currency="EUR", paid_on=TODAY)


def test_only_the_funds_reviewers_decide_and_pay(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    _other_fund, other_reviewer = fund_with_reviewer(fund_org)
    request = in_review(personas.caseworker, fund, reviewer)
    for outsider in (other_reviewer, personas.case_manager, personas.fund_reviewer):
        with pytest.raises(NotAllowed):
            domain.decide_request(request, by=outsider, decision="approved")
    domain.decide_request(request, by=reviewer, decision="approved")
    with pytest.raises(NotAllowed):
        domain.disburse(request, by=other_reviewer, amount=Decimal("1"), currency="EUR", paid_on=TODAY)
    with pytest.raises(NotAllowed):
        domain.submit_report(request, by=reviewer, spent=Decimal("0"), report="")


def test_transitions_out_of_order_are_refused(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    request = draft(personas.caseworker, fund)
    with pytest.raises(InvalidTransition):
        domain.start_review(request, by=reviewer)
    with pytest.raises(InvalidTransition):
        domain.decide_request(request, by=reviewer, decision="approved")
    domain.submit_request(request, by=personas.caseworker)
    with pytest.raises(InvalidTransition):
        domain.submit_request(request, by=personas.caseworker)
    with pytest.raises(InvalidTransition):
        domain.close_request(request, by=reviewer)


@pytest.mark.parametrize("code", ["Olga Petrova", "Olga", "AB", "x" * 21, "NO-DIGITS"])
def test_a_pseudonymous_code_is_never_a_name(personas, fund_org, code):
    fund, _ = fund_with_reviewer(fund_org)
    with pytest.raises(ValidationError):
        draft(personas.caseworker, fund, pseudonym=code)
    assert not FundRequest.objects.exists()


def test_a_request_names_a_case_or_a_code_never_another_organizations_case(personas, fund_org):
    fund, _ = fund_with_reviewer(fund_org)
    with pytest.raises(ValidationError):
        draft(personas.caseworker, fund, case=personas.case, pseudonym="EXT-1")
    with pytest.raises(NotAllowed):
        draft(personas.caseworker, fund, case=personas.outsider_case)
    with pytest.raises(ValidationError):
        draft(personas.caseworker, fund, lines=[{"category": "other", "amount": Decimal("-5")}])
