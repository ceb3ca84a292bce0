"""Opening a fund (its organization's admin names the reviewers among its fund reviewers), and
closing it: after that no new request, submission or approval; the balance at closing is kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.core.domain.activity import record
from ctm.core.domain.locking import lock
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.funds.models import Fund
from ctm.funds.rules import can_manage_funds
from ctm.funds.validators import validate_currency, validate_positive

FIELDS = ("name", "donor", "year", "currency", "total", "eligibility")


@transaction.atomic
def create_fund(*, by: Any, data: dict[str, Any], reviewers: list[Any]) -> Fund:
    if not can_manage_funds(by):
        raise NotAllowed("Only an organization admin opens a fund.")
    validate_currency(data["currency"])
    validate_positive(data["total"])
    wrong = [m for m in reviewers if m.organization_id != by.organization_id or m.role != Role.FUND_REVIEWER]
    if wrong or not reviewers:
        raise ValidationError({"reviewers": [_("Choose fund reviewers of your organization.")]})
    fund = Fund.objects.create(
        manager_id=by.organization_id,
        created_by=by.user,
        **{k: data[k] for k in FIELDS},
    )
    fund.currency = fund.currency.upper()
    fund.save(update_fields=["currency"])
    fund.reviewers.set(reviewers)
    record(
        "funds.fund.created",
        actor=by.user,
        organization=by.organization,
        obj=fund,
        label=fund.name,
        changes={"total": [None, f"{fund.total} {fund.currency}"], "reviewers": [None, len(reviewers)]},
    )
    return fund


def may_close_fund(by: Any, fund: Fund) -> bool:
    """An organization admin of the organization that runs the fund."""
    return can_manage_funds(by) and by.organization_id == fund.manager_id


@transaction.atomic
def close_fund(fund: Fund, *, by: Any) -> Fund:
    """Close the fund to new requests, submissions and approvals. Under the fund's row lock, which
    every approval takes first: an approval in flight either commits before (and is in the closing
    balance) or waits and is then refused. Payments on earlier approvals and closing of requests go on."""
    if not may_close_fund(by, fund):
        raise NotAllowed("Only an admin of the organization that runs the fund closes it.")
    lock(fund)
    if not fund.is_open:
        raise InvalidTransition(_("This fund is already closed."))
    fund.is_open = False
    fund.closed_at, fund.closed_by = timezone.now(), by.user
    fund.closing_committed, fund.closing_disbursed = fund.committed, fund.disbursed
    fund.save(
        update_fields=[
            "is_open",
            "closed_at",
            "closed_by",
            "closing_committed",
            "closing_disbursed",
            "updated_at",
        ]
    )
    record(
        "funds.fund.closed",
        actor=by.user,
        organization=by.organization,
        obj=fund,
        label=fund.name,
        changes={
            "is_open": [True, False],
            "committed": [None, f"{fund.committed} {fund.currency}"],
            "disbursed": [None, f"{fund.disbursed} {fund.currency}"],
            "remaining": [None, f"{fund.remaining} {fund.currency}"],
        },
    )
    return fund
