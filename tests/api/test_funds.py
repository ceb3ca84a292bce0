"""The funds through the API: a reviewer in another organization reads the request without who it
is for until granted; money travels as decimals; refusals are 4xx with details."""

from __future__ import annotations

import pytest

from ctm.accounts.domain.auth import create_api_token
from ctm.funds.domain.requests import grant_identity
from ctm.funds.models import FundRequest
from tests import factories as f
from tests.api.conftest import Caller
from tests.funds.objects import fund_with_reviewer, in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def outside_reviewer(world):
    fund, reviewer = fund_with_reviewer(f.make_org("FND", "CH", name="Fund manager"))
    _token, raw = create_api_token(reviewer, name="r", by=reviewer.user)
    return fund, reviewer, Caller(raw)


def test_reviewer_elsewhere_sees_no_identity_until_granted(world, outside_reviewer):
    fund, reviewer, api = outside_reviewer
    request = in_review(world.personas.caseworker, fund, reviewer, case=world.case)
    body = api.get(f"/funds/requests/{request.pk}").json()
    assert body["identity"] is None and "Petrova" not in str(body) and world.number not in str(body)
    assert [line["amount"] for line in body["lines"]] == ["300.00", "120.00", "80.00"]
    grant_identity(request, by=world.personas.caseworker, granted=True)
    body = api.get(f"/funds/requests/{request.pk}").json()
    assert body["identity"] == {"case_number": world.number, "name": "Olga Petrova"}
    assert [r["id"] for r in api.get("/funds/requests").json()] == [request.pk]


def test_money_rules_answer_422_with_the_field(world, outside_reviewer):
    fund, reviewer, api = outside_reviewer
    request = in_review(world.personas.caseworker, fund, reviewer, currency="MDL")
    response = api.post(f"/funds/requests/{request.pk}/decide", {"decision": "approved"})
    assert response.status_code == 422 and "rate" in response.json()["errors"]
    response = api.post(
        f"/funds/requests/{request.pk}/decide",
        {"decision": "approved", "rate": "0.05", "rate_date": "2026-01-02"},
    )
    assert response.status_code == 200 and response.json()["committed"] == "25.00"
    too_much = api.post(
        f"/funds/requests/{request.pk}/disburse",
        {"amount": "25.01", "currency": "EUR", "paid_on": "2026-01-03"},
    )
    assert too_much.status_code == 422 and "amount" in too_much.json()["errors"]
    assert api.post(f"/funds/requests/{request.pk}/decide", {"decision": "maybe"}).status_code == 422
    assert FundRequest.objects.get(pk=request.pk).disbursed == 0


def test_create_by_code_and_refusals(world, as_):
    fund = world.ids["fund"]
    body = {
        "pseudonym": "Olga Petrova",
        "country": "MD",
        "currency": "EUR",
        "immediate_needs": "x",
        "justification": "y",
        "lines": [{"category": "medical", "amount": "10.00"}],
    }
    caseworker = as_("caseworker")
    assert caseworker.post(f"/funds/{fund}/requests", body).status_code == 422
    assert (
        caseworker.post(
            f"/funds/{fund}/requests", {**body, "pseudonym": "", "case_number": "NOPE-1"}
        ).status_code
        == 422
    )
    assert (
        caseworker.post(
            f"/funds/{fund}/requests", {**body, "lines": [{"category": "medical", "amount": "-1"}]}
        ).status_code
        == 422
    )
    assert caseworker.post(f"/funds/{fund}/requests", {**body, "pseudonym": "EXT-9"}).status_code == 201
    assert caseworker.get("/funds/999999").status_code == 404
