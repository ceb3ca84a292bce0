"""A draft changed before it is submitted; a fund closed: no new request, submission or approval after
it, a closing balance report, one activity-log entry. (The race of a closing with an approval in
flight is in tests/concurrency/test_fund_approvals.py, on PostgreSQL.)"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog
from ctm.funds.domain import requests as domain
from ctm.funds.domain.funds import close_fund
from ctm.funds.enums import RequestState
from ctm.funds.models import Fund, FundRequest
from tests import factories as f
from tests.funds.objects import LINES, NEEDS, draft, fund_with_reviewer, in_review

pytestmark = pytest.mark.django_db

EDIT = {
    "pseudonym": "EXT-0042",
    "country": "MD",
    "currency": "EUR",
    "immediate_needs": NEEDS,
    "justification": "Nothing else.",
    "amount_medical": "90",
    "detail_medical": "Dental care",
    "amount_legal": "60",
}


@pytest.fixture
def fund_org(db):
    return f.make_org("FND", "CH", name="Fund manager")


def _admin(org):
    return org.memberships.get(role=Role.ORG_ADMIN)


def test_a_draft_is_changed_on_its_page_and_logged(client, personas, fund_org):
    fund, _reviewer = fund_with_reviewer(fund_org)
    request = draft(personas.caseworker, fund)
    client.force_login(personas.caseworker.user)
    page = client.get(reverse("funds:edit_request", args=[request.pk])).content.decode()
    assert 'value="300.00"' in page and "Two weeks in a shelter" in page  # the budget as it is
    response = client.post(reverse("funds:edit_request", args=[request.pk]), EDIT)
    assert response.status_code == 302, response.content.decode()[:2000]
    request = FundRequest.objects.get(pk=request.pk)
    assert request.requested_total == Decimal("150.00") and request.state == RequestState.DRAFT
    assert sorted(request.lines.values_list("category", flat=True)) == ["legal", "medical"]
    entry = ActivityLog.objects.filter(action="funds.request.updated").get()
    assert entry.changes["requested"] == ["500.00 EUR", "150.00 EUR"]
    assert NEEDS not in str(entry.changes)


def test_a_bad_draft_change_is_a_field_error_and_changes_nothing(client, personas, fund_org):
    fund, _reviewer = fund_with_reviewer(fund_org)
    request = draft(personas.caseworker, fund)
    client.force_login(personas.caseworker.user)
    bad = {**EDIT, "amount_medical": "-5", "amount_legal": ""}
    response = client.post(reverse("funds:edit_request", args=[request.pk]), bad)
    assert response.status_code == 400
    assert FundRequest.objects.get(pk=request.pk).requested_total == Decimal("500.00")


def test_only_a_draft_changes_and_only_its_organization_changes_it(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    submitted = in_review(personas.caseworker, fund, reviewer)
    data = {k: EDIT[k] for k in ("country", "currency", "immediate_needs", "justification")}
    with pytest.raises(InvalidTransition):
        domain.update_request(submitted, by=personas.caseworker, data=data, lines=LINES)
    request = draft(personas.caseworker, fund)
    for stranger in (reviewer, personas.outsider, personas.auditor):
        with pytest.raises(NotAllowed):
            domain.update_request(request, by=stranger, data=data, lines=LINES)
    assert FundRequest.objects.get(pk=submitted.pk).state == RequestState.IN_REVIEW


def test_a_submitted_request_has_no_edit_page(client, personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    submitted = in_review(personas.caseworker, fund, reviewer)
    client.force_login(personas.caseworker.user)
    response = client.post(reverse("funds:edit_request", args=[submitted.pk]), EDIT)
    assert response.status_code == 302 and response["Location"] == reverse(
        "funds:request", args=[submitted.pk]
    )
    assert FundRequest.objects.get(pk=submitted.pk).requested_total == Decimal("500.00")


def test_a_closed_fund_takes_no_request_submission_or_approval(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    waiting_draft = draft(personas.caseworker, fund)
    in_review_request = in_review(personas.caseworker, fund, reviewer)
    approved = domain.decide_request(
        in_review(personas.caseworker, fund, reviewer), by=reviewer, decision="approved"
    )
    close_fund(fund, by=_admin(fund_org))
    fund = Fund.objects.get(pk=fund.pk)
    with pytest.raises(InvalidTransition):
        draft(personas.caseworker, fund)
    with pytest.raises(InvalidTransition):
        domain.submit_request(waiting_draft, by=personas.caseworker)
    with pytest.raises(InvalidTransition):
        domain.decide_request(
            FundRequest.objects.get(pk=in_review_request.pk),
            by=reviewer,
            decision="partly_approved",
            amount=Decimal("10"),
            reasons="Part.",
        )
    # what was approved before is still paid; a waiting request may still be rejected
    today = datetime.date.today()
    domain.disburse(approved, by=reviewer, amount=Decimal("200"), currency="EUR", paid_on=today)
    domain.decide_request(
        FundRequest.objects.get(pk=in_review_request.pk), by=reviewer, decision="rejected", reasons="Closed."
    )
    fund = Fund.objects.get(pk=fund.pk)
    assert fund.committed == fund.closing_committed == Decimal("500.00")
    assert fund.disbursed == Decimal("200.00") and fund.closing_disbursed == Decimal("0.00")


def test_closing_is_logged_once_and_only_by_the_funds_organization_admin(personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    home_admin = personas.org_admin  # an admin, of another organization
    for stranger in (reviewer, home_admin, personas.case_manager):
        with pytest.raises(NotAllowed):
            close_fund(fund, by=stranger)
    close_fund(fund, by=_admin(fund_org))
    with pytest.raises(InvalidTransition):
        close_fund(Fund.objects.get(pk=fund.pk), by=_admin(fund_org))
    entry = ActivityLog.objects.get(action="funds.fund.closed")
    assert entry.organization_id == fund_org.pk and entry.changes["remaining"] == [None, "5000.00 EUR"]


def test_close_on_the_page_then_read_the_closing_report(client, personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    approved = domain.decide_request(
        in_review(personas.caseworker, fund, reviewer), by=reviewer, decision="approved"
    )
    domain.disburse(
        approved, by=reviewer, amount=Decimal("100"), currency="EUR", paid_on=datetime.date.today()
    )
    client.force_login(_admin(fund_org).user)
    assert "Close the fund" in client.get(reverse("funds:fund", args=[fund.pk])).content.decode()
    response = client.post(reverse("funds:close_fund", args=[fund.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "funds:closing_report", args=[fund.pk]
    )
    domain.disburse(
        approved, by=reviewer, amount=Decimal("50"), currency="EUR", paid_on=datetime.date.today()
    )
    body = client.get(response["Location"]).content.decode()
    for figure in ("500.00", "100.00", "150.00", "4500.00", "350.00"):  # committed, paid then and now, left
        assert figure in body, figure
    client.force_login(reviewer.user)
    body = client.get(response["Location"]).content.decode()
    assert "Requests by state" in body
    client.force_login(personas.caseworker.user)
    assert client.get(response["Location"]).status_code == 403
    assert client.post(reverse("funds:new_request", args=[fund.pk]), {"pseudonym": "X-1"}).status_code == 400


def test_api_changes_a_draft_and_closes_a_fund(client, personas, fund_org):
    from ctm.accounts.domain.auth import create_api_token

    fund, _reviewer = fund_with_reviewer(fund_org)
    request = draft(personas.caseworker, fund)
    _t, raw = create_api_token(personas.caseworker, name="t", by=personas.caseworker.user)
    body = {
        "pseudonym": "EXT-9",
        "country": "MD",
        "currency": "EUR",
        "immediate_needs": "Food",
        "justification": "None",
        "lines": [{"category": "other", "amount": "75.50"}],
    }
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.put(
        f"/api/v1/funds/requests/{request.pk}", body, content_type="application/json", **auth
    )
    assert response.status_code == 200, response.content
    assert response.json()["requested_total"] in ("75.50", 75.5) and response.json()["pseudonym"] == "EXT-9"
    admin = _admin(fund_org)
    _t, raw = create_api_token(admin, name="t", by=admin.user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/v1/funds/{fund.pk}/closing-report", **auth).status_code == 404  # still open
    response = client.post(f"/api/v1/funds/{fund.pk}/close", **auth)
    assert response.status_code == 200 and response.json()["is_open"] is False
    assert client.post(f"/api/v1/funds/{fund.pk}/close", **auth).status_code in (400, 409, 422)
    report = client.get(f"/api/v1/funds/{fund.pk}/closing-report", **auth).json()
    assert Decimal(str(report["unspent"])) == Decimal("5000.00") and report["by_state"] == []
