"""Opening a fund (its organization's admin names the reviewers among its fund reviewers)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctm.core.domain.activity import record
from ctm.core.enums import Role
from ctm.core.errors import NotAllowed
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
