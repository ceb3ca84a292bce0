"""Emergency funds: funds and their figures; requests from draft to closed. A reviewer reads the
requests sent to the funds they review (other organizations'), never who a request is for unless
the requesting organization granted it."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from ctm.api.auth import membership_of
from ctm.api.errors import invalid
from ctm.api.schemas.common import responses
from ctm.api.schemas.funds import (
    ClosingReportOut,
    DecisionIn,
    FundDocumentOut,
    FundOut,
    FundSummaryOut,
    GrantIn,
    PaymentIn,
    ReportIn,
    RequestCreate,
    RequestOut,
    RequestRow,
    RequestUpdate,
)
from ctm.cases.domain.queries.cases import get_case_for_user
from ctm.core.errors import NotAllowed
from ctm.core.scopes import enter_request_scope
from ctm.funds.domain import documents
from ctm.funds.domain import funds as fund_domain
from ctm.funds.domain import requests as domain
from ctm.funds.domain.queries.reports import closing_report, fund_summary
from ctm.funds.domain.queries.requests import (
    funds_for_user,
    get_fund_for_user,
    get_request_for_user,
    identity_for,
    requesting_organizations,
    requests_for_user,
)
from ctm.funds.domain.queries.requests import read_request as open_request
from ctm.funds.enums import DocumentKind
from ctm.funds.models import FundRequest
from ctm.funds.rules import is_fund_reviewer

router = Router(tags=["funds"])


def _request(request: Any, pk: int) -> FundRequest:
    """The request through its door; a reviewer's reads of its parts run in a scope that adds the
    requesting organizations (as on the pages)."""
    membership = membership_of(request)
    fund_request = get_request_for_user(membership, pk)
    if fund_request.organization_id != membership.organization_id:
        enter_request_scope(request, membership.organization_id, *requesting_organizations(membership))
    return fund_request


def _out(request: Any, r: FundRequest) -> dict[str, Any]:
    membership = membership_of(request)
    identity = identity_for(membership, r)
    read = open_request(membership, r, purpose="api")
    return {
        **{
            f: getattr(r, f)
            for f in RequestOut.model_fields
            if hasattr(r, f) and f not in ("fund", "organization", "lines", "payments", "identity")
        },
        "fund": r.fund_id,
        "organization": r.organization.code,
        "identity": asdict(identity) if identity else None,
        "lines": read.lines,
        "payments": read.payments,
    }


@router.get("", response=responses(200, list[FundOut], 403), summary="List funds")
def list_funds(request: Any) -> Any:
    return list(funds_for_user(membership_of(request)))


@router.get("/requests", response=responses(200, list[RequestRow], 403), summary="List fund requests")
def list_requests(request: Any) -> Any:
    """The organization's own requests, and those sent to the funds the reader reviews."""
    return requests_for_user(membership_of(request))


@router.get("/requests/{request_id}", response=responses(200, RequestOut, 403, 404), summary="Read a request")
def read_request(request: Any, request_id: int) -> Any:
    return _out(request, _request(request, request_id))


@router.put(
    "/requests/{request_id}", response=responses(200, RequestOut, 403, 404, 422), summary="Change a draft"
)
def update_request(request: Any, request_id: int, body: RequestUpdate) -> Any:
    data = body.model_dump(exclude={"lines"})
    lines = [line.model_dump() for line in body.lines]
    r = domain.update_request(
        _request(request, request_id), by=membership_of(request), data=data, lines=lines
    )
    return _out(request, r)


@router.post(
    "/requests/{request_id}/submit", response=responses(200, RequestOut, 403, 404, 422), summary="Submit"
)
def submit(request: Any, request_id: int) -> Any:
    r = domain.submit_request(_request(request, request_id), by=membership_of(request))
    return _out(request, r)


@router.post(
    "/requests/{request_id}/grant",
    response=responses(200, RequestOut, 403, 404, 422),
    summary="Let the reviewers see who the request is for (or stop)",
)
def grant(request: Any, request_id: int, body: GrantIn) -> Any:
    r = domain.grant_identity(_request(request, request_id), by=membership_of(request), granted=body.granted)
    return _out(request, r)


@router.post(
    "/requests/{request_id}/review",
    response=responses(200, RequestOut, 403, 404, 422),
    summary="Start the review",
)
def review(request: Any, request_id: int) -> Any:
    return _out(request, domain.start_review(_request(request, request_id), by=membership_of(request)))


@router.post(
    "/requests/{request_id}/decide",
    response=responses(200, RequestOut, 403, 404, 422),
    summary="Approve in full or in part, or reject",
)
def decide(request: Any, request_id: int, body: DecisionIn) -> Any:
    r = domain.decide_request(_request(request, request_id), by=membership_of(request), **body.model_dump())
    return _out(request, r)


@router.post(
    "/requests/{request_id}/disburse",
    response=responses(200, RequestOut, 403, 404, 422),
    summary="Record a payment",
)
def disburse(request: Any, request_id: int, body: PaymentIn) -> Any:
    r = _request(request, request_id)
    domain.disburse(r, by=membership_of(request), **body.model_dump())
    return _out(request, r)


@router.post(
    "/requests/{request_id}/report",
    response=responses(200, RequestOut, 403, 404, 422),
    summary="Final report",
)
def report(request: Any, request_id: int, body: ReportIn) -> Any:
    r = domain.submit_report(_request(request, request_id), by=membership_of(request), **body.model_dump())
    return _out(request, r)


@router.post(
    "/requests/{request_id}/close", response=responses(200, RequestOut, 403, 404, 422), summary="Close"
)
def close(request: Any, request_id: int) -> Any:
    return _out(request, domain.close_request(_request(request, request_id), by=membership_of(request)))


@router.get(
    "/requests/{request_id}/documents",
    response=responses(200, list[FundDocumentOut], 403, 404),
    summary="List the documents this reader may download",
)
def list_documents(request: Any, request_id: int) -> Any:
    membership = membership_of(request)
    r = _request(request, request_id)
    return [d for d in r.documents.all() if documents.may_read_document(membership, d)]


@router.post(
    "/requests/{request_id}/documents",
    response=responses(201, FundDocumentOut, 403, 404, 422),
    summary="Add a supporting document or a receipt (multipart: file, kind, shared)",
)
def add_document(
    request: Any,
    request_id: int,
    file: File[UploadedFile],
    kind: Form[DocumentKind],
    shared: Form[bool] = False,
) -> Any:
    r = _request(request, request_id)
    data = file.read(settings.CTM_ATTACHMENT_MAX_BYTES + 1)
    document = documents.add_document(
        r, by=membership_of(request), filename=file.name or "", data=data, kind=kind, shared=shared
    )
    return Status(201, document)


@router.get(
    "/requests/{request_id}/documents/{document_id}",
    response=responses(200, None, 403, 404),
    summary="Download a document (logged)",
)
def download_document(request: Any, request_id: int, document_id: int) -> Any:
    membership = membership_of(request)
    found = _request(request, request_id).documents.filter(pk=document_id).first()
    if found is None or not documents.may_read_document(membership, found):
        raise Http404("No such document")
    response = HttpResponse(documents.read_document(found, by=membership), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{found.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@router.get("/{fund_id}", response=responses(200, FundOut, 403, 404), summary="Read a fund and its balance")
def read_fund(request: Any, fund_id: int) -> Any:
    return get_fund_for_user(membership_of(request), fund_id)


@router.get(
    "/{fund_id}/summary",
    response=responses(200, FundSummaryOut, 403, 404),
    summary="Balance over time, requests by country, need and decision, time to decision (reviewers)",
)
def summary(request: Any, fund_id: int) -> Any:
    membership = membership_of(request)
    fund = get_fund_for_user(membership, fund_id)
    if not is_fund_reviewer(membership, fund):
        raise NotAllowed("Only the fund's reviewers read its figures.")
    return asdict(fund_summary(fund, requests_for_user(membership, fund=fund)))


@router.post(
    "/{fund_id}/requests",
    response=responses(201, RequestOut, 403, 404, 422),
    summary="Draft a request to a fund",
)
def create_request(request: Any, fund_id: int, body: RequestCreate) -> Any:
    membership = membership_of(request)
    fund = get_fund_for_user(membership, fund_id)
    case = None
    if body.case_number:
        try:
            case = get_case_for_user(membership, body.case_number, write=True)
        except Http404 as exc:
            raise invalid("case_number", "No case of yours has this number.") from exc
    data = body.model_dump(exclude={"lines", "case_number"})
    lines = [line.model_dump() for line in body.lines]
    r = domain.create_request(by=membership, fund=fund, data=data, lines=lines, case=case)
    return Status(201, _out(request, r))


@router.post(
    "/{fund_id}/close",
    response=responses(200, FundOut, 403, 404, 422),
    summary="Close the fund: no new request, submission or approval (an admin of its organization)",
)
def close_fund(request: Any, fund_id: int) -> Any:
    membership = membership_of(request)
    fund = get_fund_for_user(membership, fund_id)
    return fund_domain.close_fund(fund, by=membership)


@router.get(
    "/{fund_id}/closing-report",
    response=responses(200, ClosingReportOut, 403, 404),
    summary="A closed fund's balance at closing and now (its reviewers and its organization's admins)",
)
def read_closing_report(request: Any, fund_id: int) -> Any:
    membership = membership_of(request)
    fund = get_fund_for_user(membership, fund_id)
    reviewer = is_fund_reviewer(membership, fund)
    if not (reviewer or fund_domain.may_close_fund(membership, fund)):
        raise NotAllowed("Only the fund's reviewers and its organization's admins read its closing report.")
    if fund.is_open:
        raise Http404("The fund is open")
    report = closing_report(fund, requests_for_user(membership, fund=fund) if reviewer else None)
    return {
        **{f.name: getattr(report, f.name) for f in fields(report) if f.name != "fund"},
        "fund": fund.pk,
        "currency": fund.currency,
        "closed_at": fund.closed_at,
        "total": fund.total,
        "committed": fund.committed,
        "disbursed": fund.disbursed,
    }
