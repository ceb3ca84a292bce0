"""The fund pages: a request through its life, across organizations; what a reviewer sees of who a
request is for; the donor export; the balance and figures."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from ctm.core.models import ActivityLog
from ctm.funds.domain import requests as domain
from ctm.funds.enums import RequestState
from ctm.funds.models import Fund, FundRequest
from tests import factories as f
from tests.funds.objects import NEEDS, draft, fund_with_reviewer, in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund_org(db):
    return f.make_org("FND", "CH", name="Fund manager")


def test_request_submit_review_partly_approve_pay_report_close(client, personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    client.force_login(personas.caseworker.user)
    data = {
        "case_number": personas.case.number,
        "country": "MD",
        "currency": "EUR",
        "immediate_needs": NEEDS,
        "justification": "Nothing else.",
        "amount_accommodation": "300",
        "detail_accommodation": "Shelter",
        "amount_travel": "200",
    }
    response = client.post(reverse("funds:new_request", args=[fund.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    request = FundRequest.objects.get()
    assert request.requested_total == Decimal("500.00") and request.state == RequestState.DRAFT
    assert client.post(reverse("funds:submit", args=[request.pk])).status_code == 302
    client.force_login(reviewer.user)
    assert client.post(reverse("funds:review", args=[request.pk])).status_code == 302
    response = client.post(
        reverse("funds:decide", args=[request.pk]),
        {"decision": "partly_approved", "amount": "350", "reasons": "Travel is covered elsewhere."},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    for amount in ("200", "150"):
        response = client.post(
            reverse("funds:pay", args=[request.pk]),
            {"amount": amount, "currency": "EUR", "paid_on": "2026-01-05"},
        )
        assert response.status_code == 302
    too_much = client.post(
        reverse("funds:pay", args=[request.pk]), {"amount": "1", "currency": "EUR", "paid_on": "2026-01-05"}
    )
    assert too_much.status_code == 400 and "left to pay" in too_much.content.decode()
    client.force_login(personas.caseworker.user)
    response = client.post(
        reverse("funds:report", args=[request.pk]), {"spent": "340", "report": "Receipts kept."}
    )
    assert response.status_code == 302
    client.force_login(reviewer.user)
    assert client.post(reverse("funds:close", args=[request.pk])).status_code == 302
    request, fund = FundRequest.objects.get(), Fund.objects.get()
    assert request.state == RequestState.CLOSED and fund.committed == fund.disbursed == Decimal("350.00")
    page = client.get(reverse("funds:fund", args=[fund.pk])).content.decode()
    assert "4650.00" in page and "Partly approved" not in page and "Closed: 1" in page


def test_a_reviewer_without_the_grant_sees_no_name(client, personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    request = in_review(personas.caseworker, fund, reviewer, case=personas.case)
    client.force_login(reviewer.user)
    url = reverse("funds:request", args=[request.pk])
    page = client.get(url).content.decode()
    assert "Petrova" not in page and personas.case.number not in page and NEEDS in page
    assert not ActivityLog.objects.filter(action="cases.person.viewed").exists()
    domain.grant_identity(request, by=personas.caseworker, granted=True)
    page = client.get(url).content.decode()
    assert "Olga Petrova" in page and personas.case.number in page
    read = ActivityLog.objects.get(action="cases.person.viewed")
    assert read.organization_id == personas.org.pk and read.changes["reader_organization"] == "FND"
    domain.grant_identity(request, by=personas.caseworker, granted=False)
    assert "Petrova" not in client.get(url).content.decode()


def test_other_organizations_and_other_reviewers_see_nothing(client, personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    _other_fund, other_reviewer = fund_with_reviewer(fund_org)
    request = in_review(personas.caseworker, fund, reviewer, case=personas.case)
    unsent = draft(personas.caseworker, fund)
    for member in (other_reviewer, personas.outsider):
        client.force_login(member.user)
        assert client.get(reverse("funds:request", args=[request.pk])).status_code == 404
        assert "ER-" not in client.get(reverse("funds:list")).content.decode()
    client.force_login(reviewer.user)
    assert client.get(reverse("funds:request", args=[unsent.pk])).status_code == 404  # a draft stays home
    assert client.get(reverse("funds:request", args=[request.pk])).status_code == 200
    assert ActivityLog.objects.filter(action="security.fund_request.refused").count() == 3


def test_the_donor_export_holds_no_identifying_data(client, personas, fund_org):
    fund, reviewer = fund_with_reviewer(fund_org)
    with_case = in_review(personas.caseworker, fund, reviewer, case=personas.case)
    domain.grant_identity(with_case, by=personas.caseworker, granted=True)
    in_review(personas.caseworker, fund, reviewer)  # by code
    domain.decide_request(with_case, by=reviewer, decision="approved")
    client.force_login(reviewer.user)
    response = client.get(reverse("funds:export", args=[fund.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    for secret in ("Petrova", "Olga", personas.case.number, "EXT-0042", NEEDS[:20], "national programme"):
        assert secret not in text
    assert sheet.max_row == 3 and "need_accommodation" in text
    client.force_login(personas.caseworker.user)
    assert client.get(reverse("funds:export", args=[fund.pk])).status_code == 403


def test_a_wrong_case_number_is_a_form_error(client, personas, fund_org):
    fund, _ = fund_with_reviewer(fund_org)
    client.force_login(personas.caseworker.user)
    data = {
        "case_number": personas.outsider_case.number,
        "country": "MD",
        "currency": "EUR",
        "immediate_needs": "x",
        "justification": "y",
        "amount_other": "10",
    }
    response = client.post(reverse("funds:new_request", args=[fund.pk]), data)
    assert response.status_code == 400 and "No case of yours" in response.content.decode()
    response = client.post(
        reverse("funds:new_request", args=[fund.pk]), {**data, "case_number": "", "pseudonym": "Olga Petrova"}
    )
    assert response.status_code == 400
    assert not FundRequest.objects.exists()


def test_list_queries_do_not_grow(client, personas, fund_org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fund, reviewer = fund_with_reviewer(fund_org)
    in_review(personas.caseworker, fund, reviewer)
    url = reverse("funds:list")

    def count(member):
        client.force_login(member.user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = {m: count(m) for m in (reviewer, personas.caseworker)}
    fund_with_reviewer(fund_org, reviewer=reviewer)
    for _ in range(2):
        in_review(personas.caseworker, fund, reviewer)
    assert {m: count(m) for m in (reviewer, personas.caseworker)} == one


def test_a_caseworker_sees_the_requests_of_the_cases_they_work_on(client, personas, fund_org):
    from ctm.cases.domain.cases import assign_case

    fund, reviewer = fund_with_reviewer(fund_org)
    for_case = in_review(personas.caseworker, fund, reviewer, case=personas.case)
    by_code = in_review(personas.caseworker, fund, reviewer)
    colleague = personas.other_caseworker
    client.force_login(colleague.user)
    assert client.get(reverse("funds:request", args=[for_case.pk])).status_code == 404
    assert client.get(reverse("funds:request", args=[by_code.pk])).status_code == 200
    assert NEEDS not in client.get(reverse("funds:list")).content.decode().replace(by_code.reference, "")
    assign_case(personas.case, by=personas.case_manager, assignees=[colleague.user])
    assert client.get(reverse("funds:request", args=[for_case.pk])).status_code == 200
