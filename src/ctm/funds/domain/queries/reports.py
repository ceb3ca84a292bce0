"""What a fund's reviewers and donors see of it: the balance over time, requests by country, need
and decision, the time from submission to decision, and rows for donor reporting — never who a
request is for (no case number, no code, no free text)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from ctm.funds.enums import BudgetCategory, RequestState
from ctm.funds.models import BudgetLine, Disbursement, Fund, FundRequest

DECIDED = (RequestState.APPROVED, RequestState.PARTLY_APPROVED, RequestState.REJECTED)


@dataclass
class FundSummary:
    fund: Fund
    timeline: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # date, committed, paid
    by_country: list[tuple[str, int]] = field(default_factory=list)
    by_state: list[tuple[str, int]] = field(default_factory=list)
    by_need: list[tuple[str, Decimal]] = field(default_factory=list)  # requested per budget category
    days_to_decision: dict[str, float] = field(default_factory=dict)


def _timeline(
    requests: list[FundRequest], payments: list[Disbursement]
) -> list[tuple[str, Decimal, Decimal]]:
    """Cumulative committed and paid amounts, day by day (what is committed today, by decision date)."""
    moves: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    for r in requests:
        if r.decided_at and r.committed:
            moves[r.decided_at.date().isoformat()][0] += r.committed
    for p in payments:
        moves[p.paid_on.isoformat()][1] += p.amount
    out, committed, paid = [], Decimal("0"), Decimal("0")
    for day in sorted(moves):
        committed += moves[day][0]
        paid += moves[day][1]
        out.append((day, committed, paid))
    return out


def _days(requests: list[FundRequest]) -> dict[str, float]:
    days = [
        (r.decided_at - r.submitted_at).total_seconds() / 86400
        for r in requests
        if r.decided_at and r.submitted_at
    ]
    if not days:
        return {}
    return {
        "n": len(days),
        "median": round(statistics.median(days), 1),
        "mean": round(statistics.fmean(days), 1),
        "max": round(max(days), 1),
    }


def fund_summary(fund: Fund, requests: list[FundRequest]) -> FundSummary:
    """`requests`: the fund's requests as the reviewer's door gave them (in the reviewer's scope)."""
    ids = [r.pk for r in requests]
    payments = list(Disbursement.objects.filter(request_id__in=ids))
    needs = dict(
        BudgetLine.objects.filter(request_id__in=ids)
        .values_list("category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    labels = dict(RequestState.choices)
    return FundSummary(
        fund=fund,
        timeline=_timeline(requests, payments),
        by_country=Counter(r.country for r in requests).most_common(),
        by_state=[(str(labels[s]), n) for s, n in Counter(r.state for r in requests).most_common()],
        by_need=[(str(label), needs[c]) for c, label in BudgetCategory.choices if c in needs],
        days_to_decision=_days(requests),
    )


DONOR_COLUMNS = (
    "request",
    "country",
    "state",
    "submitted_on",
    "decided_on",
    "days_to_decision",
    "budget_currency",
    "requested",
    "approved",
    "rate",
    "rate_date",
    "committed",
    "disbursed",
    "spent",
    *(f"need_{c}" for c in BudgetCategory.values),
)


def donor_rows(requests: list[FundRequest]) -> list[list[Any]]:
    """One row per submitted request, in DONOR_COLUMNS: amounts, dates, country and needs — no
    identity, no code, no free text."""
    ids = [r.pk for r in requests]
    lines: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for request_id, category, total in (
        BudgetLine.objects.filter(request_id__in=ids)
        .values_list("request_id", "category")
        .annotate(t=Sum("amount"))
        .order_by()
    ):
        lines[request_id][category] = total
    rows = []
    for r in requests:
        if r.state == RequestState.DRAFT:
            continue
        days = _days([r]).get("median", "")
        rows.append(
            [
                r.reference,
                r.country,
                r.state,
                r.submitted_at.date().isoformat() if r.submitted_at else "",
                r.decided_at.date().isoformat() if r.decided_at else "",
                days,
                r.currency,
                r.requested_total,
                r.approved_amount,
                r.rate,
                r.rate_date.isoformat() if r.rate_date else "",
                r.committed,
                r.disbursed,
                r.spent,
                *(lines[r.pk].get(c, Decimal("0")) for c in BudgetCategory.values),
            ]
        )
    return rows


@dataclass
class ClosingReport:
    """The balance of a closed fund: at closing, and now (payments on earlier approvals, and money
    released by closing requests, follow the closing). From the fund's own row: no request is read."""

    fund: Fund
    committed_at_closing: Decimal
    disbursed_at_closing: Decimal
    remaining_at_closing: Decimal
    paid_since: Decimal
    released_since: Decimal
    left_to_pay: Decimal
    unspent: Decimal
    by_state: list[tuple[str, int]] = field(default_factory=list)  # for the fund's reviewers


def closing_report(fund: Fund, requests: list[FundRequest] | None = None) -> ClosingReport:
    committed = fund.closing_committed or Decimal("0")
    disbursed = fund.closing_disbursed or Decimal("0")
    labels = dict(RequestState.choices)
    counts = Counter(r.state for r in requests or [])
    return ClosingReport(
        fund=fund,
        committed_at_closing=committed,
        disbursed_at_closing=disbursed,
        remaining_at_closing=fund.total - committed,
        paid_since=fund.disbursed - disbursed,
        released_since=committed - fund.committed,
        left_to_pay=fund.committed - fund.disbursed,
        unspent=fund.total - fund.committed,
        by_state=[(str(labels[s]), n) for s, n in counts.most_common()],
    )
