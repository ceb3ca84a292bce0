"""The fund pages: funds and queues, a fund with its balance and figures, the donor export, a
request through its life (submit, grant, review, decide, pay, report, close)."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.cases.domain.queries.cases import get_case_for_user
from ctm.core.cells import xlsx_bytes
from ctm.core.errors import InvalidTransition
from ctm.funds.domain import documents
from ctm.funds.domain import funds as fund_domain
from ctm.funds.domain import requests as domain
from ctm.funds.domain.queries.reports import DONOR_COLUMNS, closing_report, donor_rows, fund_summary
from ctm.funds.domain.queries.requests import (
    funds_for_user,
    get_fund_for_user,
    identity_for,
    read_request,
    requests_for_user,
    reviewed_funds,
)
from ctm.funds.enums import PAYABLE, RequestState
from ctm.funds.interfaces.forms import (
    DecisionForm,
    DisburseForm,
    DocumentForm,
    FundForm,
    ReportForm,
    RequestEditForm,
    RequestForm,
)
from ctm.funds.rules import can_manage_funds, can_request_funds, can_review_funds, is_fund_reviewer
from ctm.funds.views.helpers import add_errors, load_request, member

GET_POST = require_http_methods(["GET", "POST"])
QUEUE = (RequestState.SUBMITTED, RequestState.IN_REVIEW, *PAYABLE, RequestState.REPORTED)


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    membership = member(request)
    context: dict[str, Any] = {
        "funds": list(funds_for_user(membership)),
        "can_manage": can_manage_funds(membership),
        "can_request": can_request_funds(membership),
    }
    if can_request_funds(membership):
        context["mine"] = requests_for_user(membership, organization_id=membership.organization_id)
    if can_review_funds(membership):
        context["queue"] = requests_for_user(membership, fund__in=reviewed_funds(membership), state__in=QUEUE)
    return render(request, "funds/list.html", context)


@login_required
@GET_POST
def new_fund(request: HttpRequest) -> HttpResponse:
    membership = member(request)
    if not can_manage_funds(membership):
        raise PermissionDenied
    form = FundForm(request.POST or None, organization=membership.organization)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reviewers = list(data.pop("reviewers"))
        try:
            fund = fund_domain.create_fund(by=membership, data=data, reviewers=reviewers)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("funds:fund", pk=fund.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "funds/form.html", {"form": form, "title": _("Open a fund")}, status=status)


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = member(request)
    fund = get_fund_for_user(membership, pk)
    context: dict[str, Any] = {"fund": fund, "reviewer": is_fund_reviewer(membership, fund)}
    context["can_request"] = can_request_funds(membership) and fund.is_open
    context["can_close"] = fund_domain.may_close_fund(membership, fund) and fund.is_open
    context["sees_closing"] = not fund.is_open and _reads_closing(membership, fund)
    if context["reviewer"]:
        context["summary"] = fund_summary(fund, requests_for_user(membership, fund=fund))
    return render(request, "funds/fund.html", context)


@login_required
def fund_export(request: HttpRequest, pk: int) -> HttpResponse:
    """For donor reporting: amounts, dates, countries and needs, never who a request is for."""
    membership = member(request)
    fund = get_fund_for_user(membership, pk)
    if not is_fund_reviewer(membership, fund):
        raise PermissionDenied
    rows = donor_rows(requests_for_user(membership, fund=fund))
    data = xlsx_bytes(list(DONOR_COLUMNS), rows, title="requests")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ctm-fund-{fund.pk}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@GET_POST
def new_request(request: HttpRequest, pk: int) -> HttpResponse:
    membership = member(request)
    if not can_request_funds(membership):
        raise PermissionDenied
    fund = get_fund_for_user(membership, pk)
    form = RequestForm(
        request.POST or None, initial={"currency": fund.currency, "country": membership.organization.country}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = get_case_for_user(membership, d["case_number"], write=True) if d["case_number"] else None
            created = domain.create_request(by=membership, fund=fund, data=d, lines=form.lines(), case=case)
        except Http404:
            form.add_error("case_number", _("No case of yours has this number."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("funds:request", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    title = _("Request to %(fund)s") % {"fund": fund}
    return render(request, "funds/form.html", {"form": form, "title": title, "fund": fund}, status=status)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership, fund_request = load_request(request, pk)
    own = fund_request.organization_id == membership.organization_id and can_request_funds(membership)
    reviewer = is_fund_reviewer(membership, fund_request.fund)
    read = read_request(membership, fund_request, purpose="request page")
    context = {
        "r": fund_request,
        "fund": fund_request.fund,
        "lines": read.lines,
        "payments": read.payments,
        "documents": [d for d in fund_request.documents.all() if own or (reviewer and d.shared)],
        "identity": identity_for(membership, fund_request),
        "own": own,
        "reviewer": reviewer,
        "S": RequestState,
        "payable": fund_request.state in PAYABLE,
    }
    return render(request, "funds/request.html", context)


def _act(request: HttpRequest, pk: int, action: Callable[[Any, Any], Any], done: str) -> HttpResponse:
    membership, fund_request = load_request(request, pk)
    try:
        action(fund_request, membership)
    except (InvalidTransition, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("funds:request", pk=pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda r, m: domain.submit_request(r, by=m), _("Request submitted to the fund."))


@login_required
@require_POST
def grant(request: HttpRequest, pk: int) -> HttpResponse:
    granted = request.POST.get("granted") == "1"
    done = (
        _("The reviewers may now see who this request is for.")
        if granted
        else _("Identity hidden from the reviewers.")
    )
    return _act(request, pk, lambda r, m: domain.grant_identity(r, by=m, granted=granted), done)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda r, m: domain.start_review(r, by=m), _("Eligibility review started."))


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda r, m: domain.close_request(r, by=m), _("Request closed."))


def _form_step(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    *,
    reviewer: bool,
    title: str,
    run: Callable[[Any, Any, dict[str, Any]], Any],
) -> HttpResponse:
    membership, fund_request = load_request(request, pk)
    allowed = (
        is_fund_reviewer(membership, fund_request.fund)
        if reviewer
        else (can_request_funds(membership) and fund_request.organization_id == membership.organization_id)
    )
    if not allowed:
        raise PermissionDenied
    form = form_class(request.POST or None, initial={"currency": fund_request.fund.currency})
    if request.method == "POST" and form.is_valid():
        try:
            run(fund_request, membership, form.cleaned_data)
        except (InvalidTransition, ValidationError) as exc:
            add_errors(form, exc)
        else:
            return redirect("funds:request", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "r": fund_request, "fund": fund_request.fund}
    return render(request, "funds/form.html", context, status=status)


@login_required
@GET_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        DecisionForm,
        reviewer=True,
        title=_("Decide on the request"),
        run=lambda r, m, d: domain.decide_request(r, by=m, **d),
    )


@login_required
@GET_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        DisburseForm,
        reviewer=True,
        title=_("Record a payment"),
        run=lambda r, m, d: domain.disburse(r, by=m, **d),
    )


@login_required
@GET_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_step(
        request,
        pk,
        ReportForm,
        reviewer=False,
        title=_("Final report"),
        run=lambda r, m, d: domain.submit_report(r, by=m, **d),
    )


@login_required
@GET_POST
def add_document(request: HttpRequest, pk: int) -> HttpResponse:
    membership, fund_request = load_request(request, pk)
    if not (can_request_funds(membership) and fund_request.organization_id == membership.organization_id):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            documents.add_document(
                fund_request,
                by=membership,
                filename=upload.name,
                data=upload.read(),
                kind=form.cleaned_data["kind"],
                shared=form.cleaned_data["shared"],
            )
        except (InvalidTransition, ValidationError) as exc:
            add_errors(form, exc)
        else:
            return redirect("funds:request", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "title": _("Add a document"),
        "r": fund_request,
        "fund": fund_request.fund,
        "upload": True,
    }
    return render(request, "funds/form.html", context, status=status)


@login_required
def document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    membership, fund_request = load_request(request, pk)
    found = fund_request.documents.filter(pk=doc).first()
    if found is None or not documents.may_read_document(membership, found):
        raise Http404("No such document")
    data = documents.read_document(found, by=membership)
    response = HttpResponse(data, content_type=found.content_type)
    # The real file name may be identifying: the download gets a neutral one.
    extension = mimetypes.guess_extension(found.content_type) or ".bin"
    response["Content-Disposition"] = f'attachment; filename="{fund_request.reference}-{found.pk}{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _reads_closing(membership: Any, fund: Any) -> bool:
    return is_fund_reviewer(membership, fund) or fund_domain.may_close_fund(membership, fund)


@login_required
@GET_POST
def close_fund(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what closing means, with the balance now; POST: close."""
    membership = member(request)
    fund = get_fund_for_user(membership, pk)
    if not fund_domain.may_close_fund(membership, fund):
        raise PermissionDenied
    if request.method == "POST":
        try:
            fund_domain.close_fund(fund, by=membership)
        except InvalidTransition as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("funds:fund", pk=pk)
        messages.success(request, _("The fund is closed: it takes no new request and approves nothing more."))
        return redirect("funds:closing_report", pk=pk)
    return render(request, "funds/close_fund.html", {"fund": fund})


@login_required
def closing_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The closing balance: the fund's reviewers and the admins of the organization that runs it."""
    membership = member(request)
    fund = get_fund_for_user(membership, pk)
    if not _reads_closing(membership, fund):
        raise PermissionDenied
    if fund.is_open:
        raise Http404("The fund is open")
    reviewer = is_fund_reviewer(membership, fund)
    report = closing_report(fund, requests_for_user(membership, fund=fund) if reviewer else None)
    return render(
        request, "funds/closing_report.html", {"fund": fund, "report": report, "reviewer": reviewer}
    )


@login_required
@GET_POST
def edit_request(request: HttpRequest, pk: int) -> HttpResponse:
    membership, fund_request = load_request(request, pk)
    if not (can_request_funds(membership) and fund_request.organization_id == membership.organization_id):
        raise PermissionDenied
    if fund_request.state != RequestState.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("funds:request", pk=pk)
    read_request(membership, fund_request, purpose="edit form")  # the form shows its free text: logged
    form = RequestEditForm(request.POST or None, fund_request=fund_request)
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_request(fund_request, by=membership, data=form.cleaned_data, lines=form.lines())
        except (InvalidTransition, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("funds:request", pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": _("Change the draft"), "r": fund_request, "fund": fund_request.fund}
    return render(request, "funds/form.html", context, status=status)
