"""The life of a fund request, one function per change: draft → submitted → eligibility review →
approved / partly approved / rejected → disbursed (one or several payments) → final report → closed.

Money rules, checked under row locks (the fund's row first, then the request's, always in this
order): an approval never commits more than the fund's remaining balance; payments never exceed
what was approved; an amount in another currency is converted with a rate and its date, both kept.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.core.domain.activity import record
from ctm.core.domain.locking import lock
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.funds.enums import CENT, PAYABLE, Decision, RequestState
from ctm.funds.models import BudgetLine, Disbursement, Fund, FundRequest
from ctm.funds.rules import can_request_funds, is_fund_reviewer
from ctm.funds.validators import validate_currency, validate_positive, validate_pseudonym

S = RequestState


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _log(action: str, request: FundRequest, by: Any, changes: dict[str, Any]) -> None:
    """In the requesting organization's log (the request is its row), whoever acted."""
    if by.organization_id != request.organization_id:
        changes = {**changes, "by_organization": by.organization.code}
    record(
        action,
        actor=by.user,
        organization=request.organization,
        obj=request,
        label=request.reference,
        changes=changes,
    )


def _requester(request: FundRequest, by: Any) -> None:
    if not can_request_funds(by) or by.organization_id != request.organization_id:
        raise NotAllowed("Only the requesting organization's caseworkers and case managers do this.")


def _reviewer(fund: Fund, by: Any) -> None:
    if not is_fund_reviewer(by, fund):
        raise NotAllowed("Only the fund's reviewers do this.")


def _expect(request: FundRequest, *states: str) -> None:
    if request.state not in states:
        raise InvalidTransition(
            _("Not possible while the request is: %(state)s.") % {"state": request.get_state_display()}
        )


def _move(request: FundRequest, state: str, fields: list[str]) -> str:
    old, request.state = request.state, state
    request.save(update_fields=["state", "updated_at", *fields])
    return old


# --- the requesting organization ------------------------------------------------------------------


def _check_budget(data: dict[str, Any], lines: list[dict[str, Any]]) -> None:
    validate_currency(data["currency"])
    if not lines:
        raise ValidationError({"lines": [_("A budget needs at least one line.")]})
    for line in lines:
        validate_positive(line["amount"])


def _total(lines: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(line["amount"]) for line in lines), Decimal("0")).quantize(CENT)


@transaction.atomic
def create_request(
    *, by: Any, fund: Fund, data: dict[str, Any], lines: list[dict[str, Any]], case: Any = None
) -> FundRequest:
    """A draft. `case` comes through the case door (`get_case_for_user`); otherwise a code."""
    if not can_request_funds(by):
        raise NotAllowed("Only caseworkers and case managers request emergency funds.")
    pseudonym = (data.get("pseudonym") or "").strip()
    if (case is None) == (not pseudonym):
        raise ValidationError(
            {"pseudonym": [_("Name a case of CTM, or give a pseudonymous code (not both).")]}
        )
    if case is not None and case.organization_id != by.organization_id:
        raise NotAllowed("A request names a case of the requesting organization.")
    if pseudonym:
        validate_pseudonym(pseudonym)
    _check_budget(data, lines)
    if not fund.is_open:
        raise InvalidTransition(_("This fund no longer takes requests."))
    request = FundRequest.objects.create(
        organization_id=by.organization_id,
        fund=fund,
        case=case,
        pseudonym=pseudonym,
        country=data["country"],
        currency=data["currency"].upper(),
        immediate_needs=data["immediate_needs"],
        justification=data["justification"],
        requested_total=_total(lines),
        created_by=by.user,
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(organization_id=by.organization_id, request=request, **line) for line in lines
    )
    _log(
        "funds.request.created",
        request,
        by,
        {"requested": [None, f"{request.requested_total} {request.currency}"]},
    )
    return request


EDITABLE = ("country", "currency", "immediate_needs", "justification")


@transaction.atomic
def update_request(
    request: FundRequest, *, by: Any, data: dict[str, Any], lines: list[dict[str, Any]]
) -> FundRequest:
    """Change a draft: its country, currency, needs, justification, pseudonymous code (a request
    under a code) and its whole budget. Who it is for (a case) does not change: a new draft does."""
    _requester(request, by)
    lock(request)
    _expect(request, S.DRAFT)
    _check_budget(data, lines)
    fields = [*EDITABLE, "requested_total"]
    if request.case_id is None and data.get("pseudonym"):
        validate_pseudonym(data["pseudonym"].strip())
        request.pseudonym = data["pseudonym"].strip()
        fields.append("pseudonym")
    old_total, old_currency = request.requested_total, request.currency
    for name in EDITABLE:
        setattr(request, name, data[name])
    request.currency = request.currency.upper()
    request.requested_total = _total(lines)
    request.save(update_fields=[*fields, "updated_at"])
    request.lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(organization_id=request.organization_id, request=request, **line) for line in lines
    )
    changes = {"requested": [f"{old_total} {old_currency}", f"{request.requested_total} {request.currency}"]}
    _log("funds.request.updated", request, by, {**changes, "lines": [None, len(lines)]})
    return request


@transaction.atomic
def submit_request(request: FundRequest, *, by: Any) -> FundRequest:
    _requester(request, by)
    lock(request)
    _expect(request, S.DRAFT)
    if not Fund.objects.filter(pk=request.fund_id, is_open=True).exists():  # fresh, not the cached fund
        raise InvalidTransition(_("This fund no longer takes requests."))
    request.submitted_at = timezone.now()
    old = _move(request, S.SUBMITTED, ["submitted_at"])
    _log("funds.request.submitted", request, by, {"state": [old, request.state]})
    return request


@transaction.atomic
def grant_identity(request: FundRequest, *, by: Any, granted: bool) -> FundRequest:
    """The requesting organization lets the fund's reviewers see who the request is for (or stops)."""
    _requester(request, by)
    lock(request)
    if request.case_id is None:
        raise InvalidTransition(_("A request under a pseudonymous code carries no identity to grant."))
    old = request.identity_granted
    request.identity_granted = granted
    request.save(update_fields=["identity_granted", "updated_at"])
    action = "funds.request.identity_granted" if granted else "funds.request.identity_withdrawn"
    _log(action, request, by, {"identity_granted": [old, granted]})
    return request


@transaction.atomic
def submit_report(request: FundRequest, *, by: Any, spent: Decimal, report: str) -> FundRequest:
    """What was spent (in the fund's currency, at most what was paid) and the receipts described."""
    _requester(request, by)
    lock(request)
    _expect(request, S.DISBURSED)
    if spent < 0 or spent > request.disbursed:
        raise ValidationError(
            {"spent": [_("Between 0 and what was paid (%(paid)s).") % {"paid": request.disbursed}]}
        )
    request.spent, request.report, request.reported_at = spent, report, timezone.now()
    old = _move(request, S.REPORTED, ["spent", "report", "reported_at"])
    _log("funds.request.reported", request, by, {"state": [old, request.state], "spent": [None, str(spent)]})
    return request


# --- the fund's reviewers ---------------------------------------------------------------------------


@transaction.atomic
def start_review(request: FundRequest, *, by: Any) -> FundRequest:
    _reviewer(request.fund, by)
    lock(request)
    _expect(request, S.SUBMITTED)
    old = _move(request, S.IN_REVIEW, [])
    _log("funds.request.review_started", request, by, {"state": [old, request.state]})
    return request


def _rate(
    request: FundRequest, rate: Decimal | None, rate_date: datetime.date | None
) -> tuple[Decimal, datetime.date]:
    """The rate from the request's currency to the fund's; 1 when they are the same."""
    if request.currency == request.fund.currency:
        return Decimal("1"), rate_date or timezone.localdate()
    if rate is None or rate <= 0 or rate_date is None:
        raise ValidationError(
            {
                "rate": [
                    _("The budget is in %(budget)s, the fund in %(fund)s: give the rate and its date.")
                    % {"budget": request.currency, "fund": request.fund.currency}
                ]
            }
        )
    return rate, rate_date


def _decided_amount(
    request: FundRequest, decision: str, amount: Decimal | None, reasons: str
) -> Decimal | None:
    if decision == Decision.REJECTED:
        if not reasons.strip():
            raise ValidationError({"reasons": [_("Say why the request is rejected.")]})
        return None
    if decision == Decision.APPROVED:
        return request.requested_total
    if amount is None or not (0 < amount < request.requested_total):
        raise ValidationError(
            {
                "amount": [
                    _("A part approval is more than 0 and less than %(total)s.")
                    % {"total": request.requested_total}
                ]
            }
        )
    if not reasons.strip():
        raise ValidationError({"reasons": [_("Say why only part of the request is approved.")]})
    return amount


@transaction.atomic
def decide_request(
    request: FundRequest,
    *,
    by: Any,
    decision: str,
    amount: Decimal | None = None,
    rate: Decimal | None = None,
    rate_date: datetime.date | None = None,
    reasons: str = "",
) -> FundRequest:
    """Approve (in full or in part) or reject. An approval commits money: under the fund's lock,
    never more than its remaining balance."""
    fund = lock(request.fund)
    _reviewer(fund, by)
    lock(request)
    _expect(request, S.IN_REVIEW)
    approved = _decided_amount(request, decision, amount, reasons)
    if approved is not None and not fund.is_open:  # read under the fund's lock: closing waits, or wins
        raise InvalidTransition(_("This fund is closed: it approves nothing more (a rejection is possible)."))
    if approved is not None:
        used_rate, used_date = _rate(request, rate, rate_date)
        committed = convert(approved, used_rate)
        if committed > fund.remaining:
            raise ValidationError(
                {
                    "amount": [
                        _("The fund has %(left)s %(cur)s left; this needs %(needed)s.")
                        % {"left": fund.remaining, "cur": fund.currency, "needed": committed}
                    ]
                }
            )
        fund.committed += committed
        fund.save(update_fields=["committed", "updated_at"])
        request.approved_amount, request.rate, request.rate_date = approved, used_rate, used_date
        request.committed = committed
    request.reasons, request.decided_at, request.decided_by = reasons, timezone.now(), by.user
    fields = ["reasons", "decided_at", "decided_by", "approved_amount", "rate", "rate_date", "committed"]
    old = _move(request, decision, fields)
    changes: dict[str, Any] = {"state": [old, request.state]}
    if request.committed is not None:
        changes["committed"] = [None, f"{request.committed} {fund.currency}"]
    _log("funds.request.decided", request, by, changes)
    return request


@transaction.atomic
def disburse(
    request: FundRequest,
    *,
    by: Any,
    amount: Decimal,
    currency: str,
    paid_on: datetime.date,
    rate: Decimal | None = None,
    rate_date: datetime.date | None = None,
    note: str = "",
) -> Disbursement:
    """Record one payment; together the payments never exceed what was committed."""
    fund = lock(request.fund)
    _reviewer(fund, by)
    lock(request)
    _expect(request, *PAYABLE)
    validate_positive(amount)
    currency = currency.upper()
    validate_currency(currency)
    if currency == fund.currency:
        rate, rate_date = Decimal("1"), rate_date or paid_on
    elif rate is None or rate <= 0 or rate_date is None:
        raise ValidationError(
            {
                "rate": [
                    _("Paid in %(paid)s, the fund is in %(fund)s: give the rate and its date.")
                    % {"paid": currency, "fund": fund.currency}
                ]
            }
        )
    in_fund = convert(amount, rate)
    if request.disbursed + in_fund > (request.committed or 0):
        left = (request.committed or 0) - request.disbursed
        raise ValidationError(
            {
                "amount": [
                    _("Only %(left)s %(cur)s of the approved amount is left to pay.")
                    % {"left": left, "cur": fund.currency}
                ]
            }
        )
    payment = Disbursement.objects.create(
        organization_id=request.organization_id,
        request=request,
        amount=in_fund,
        paid_amount=amount,
        paid_currency=currency,
        rate=rate,
        rate_date=rate_date,
        paid_on=paid_on,
        note=note,
        recorded_by=by.user,
    )
    request.disbursed += in_fund
    fund.disbursed += in_fund
    fund.save(update_fields=["disbursed", "updated_at"])
    old = _move(request, S.DISBURSED, ["disbursed"])
    _log(
        "funds.request.disbursed",
        request,
        by,
        {"state": [old, request.state], "paid": [None, f"{in_fund} {fund.currency}"]},
    )
    return payment


@transaction.atomic
def close_request(request: FundRequest, *, by: Any) -> FundRequest:
    """After the final report: what was committed and not paid goes back to the fund."""
    fund = lock(request.fund)
    _reviewer(fund, by)
    lock(request)
    _expect(request, S.REPORTED)
    released = (request.committed or Decimal("0")) - request.disbursed
    if released:
        fund.committed -= released
        fund.save(update_fields=["committed", "updated_at"])
        request.committed = request.disbursed
    request.closed_at = timezone.now()
    old = _move(request, S.CLOSED, ["closed_at", "committed"])
    _log(
        "funds.request.closed",
        request,
        by,
        {"state": [old, request.state], "released": [None, str(released)]},
    )
    return request
