"""Schemas of the emergency funds. Money is a decimal (a string in JSON), never a float."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from ctm.api.schemas.common import (
    Bool,
    Country,
    Currency,
    Date,
    In,
    Text32,
    Text200,
    Text5000,
    Text20000,
    amount,
)
from ctm.funds.enums import BudgetCategory, Decision

Money = amount(14, 2)
PositiveMoney = amount(14, 2, positive=True)
Rate = amount(18, 8, positive=True)


class FundOut(Schema):
    id: int
    name: str
    donor: str
    year: int
    currency: str
    total: Decimal
    committed: Decimal
    disbursed: Decimal
    remaining: Decimal
    eligibility: str
    is_open: bool
    closed_at: datetime.datetime | None = None
    manager: str = Field(validation_alias="manager.code")


class LineIn(In):
    category: BudgetCategory
    description: Text200 = ""
    amount: PositiveMoney


class LineOut(Schema):
    category: str
    description: str
    amount: Decimal


class RequestCreate(In):
    case_number: Text32 = ""
    pseudonym: Text32 = ""
    country: Country
    currency: Currency
    immediate_needs: Annotated[str, Field(min_length=1, max_length=5000)]
    justification: Annotated[str, Field(min_length=1, max_length=5000)]
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=20)]


class RequestUpdate(In):
    """A draft's new content (who it is for stays: `pseudonym` only changes a request under a code)."""

    pseudonym: Text32 = ""
    country: Country
    currency: Currency
    immediate_needs: Annotated[str, Field(min_length=1, max_length=5000)]
    justification: Annotated[str, Field(min_length=1, max_length=5000)]
    lines: Annotated[list[LineIn], Field(min_length=1, max_length=20)]


class ClosingReportOut(Schema):
    """A closed fund's balance at closing and now (amounts in the fund's currency)."""

    fund: int
    currency: str
    closed_at: datetime.datetime
    total: Decimal
    committed_at_closing: Decimal
    disbursed_at_closing: Decimal
    remaining_at_closing: Decimal
    committed: Decimal
    disbursed: Decimal
    paid_since: Decimal
    released_since: Decimal
    left_to_pay: Decimal
    unspent: Decimal
    by_state: list[tuple[str, int]]


class IdentityOut(Schema):
    case_number: str
    name: str = ""


class PaymentOut(Schema):
    amount: Decimal
    paid_amount: Decimal
    paid_currency: str
    rate: Decimal
    rate_date: datetime.date
    paid_on: datetime.date
    note: str


class RequestOut(Schema):
    """A request as this reader may see it: `identity` is null for a reviewer without the grant."""

    id: int
    reference: str
    fund: int
    organization: str
    state: str
    country: str
    currency: str
    pseudonym: str
    identity: IdentityOut | None
    identity_granted: bool
    immediate_needs: str
    justification: str
    requested_total: Decimal
    lines: list[LineOut]
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    reasons: str
    approved_amount: Decimal | None
    rate: Decimal | None
    rate_date: datetime.date | None
    committed: Decimal | None
    disbursed: Decimal
    payments: list[PaymentOut]
    spent: Decimal | None
    report: str


class RequestRow(Schema):
    id: int
    reference: str
    fund: int = Field(validation_alias="fund_id")
    organization: str = Field(validation_alias="organization.code")
    state: str
    country: str
    currency: str
    requested_total: Decimal


class GrantIn(In):
    granted: Bool


class DecisionIn(In):
    decision: Decision
    amount: Money | None = None
    rate: Rate | None = None
    rate_date: Date | None = None
    reasons: Text5000 = ""


class PaymentIn(In):
    amount: PositiveMoney
    currency: Currency
    paid_on: Date
    rate: Rate | None = None
    rate_date: Date | None = None
    note: Text200 = ""


class ReportIn(In):
    spent: Money
    report: Annotated[Text20000, Field(min_length=1)]


class FundSummaryOut(Schema):
    timeline: list[tuple[str, Decimal, Decimal]]
    by_country: list[tuple[str, int]]
    by_state: list[tuple[str, int]]
    by_need: list[tuple[str, Decimal]]
    days_to_decision: dict[str, float]


class FundDocumentOut(Schema):
    """A document's metadata; its file name stays out (it may name the person)."""

    id: int
    kind: str
    shared: bool
    content_type: str
    size: int
    created_at: datetime.datetime
