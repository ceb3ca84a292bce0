"""Reintegration plans: the needs in the place of return, the assistance given, its disbursements."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.models import ServiceRecord
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership
from ctm.reintegration.domain.common import (
    lock,
    lock_open,
    log_case,
    masked,
    not_future,
    require_currency,
    require_write,
)
from ctm.reintegration.enums import AssistanceKind, AssistanceStatus
from ctm.reintegration.models import Disbursement, DurableSolution, ReintegrationAssistance, ReintegrationPlan

MAX_AMOUNT = Decimal("99999999.99")


def create_reintegration_plan(
    case: Any, *, by: Membership, needs: str, solution: DurableSolution | None = None
) -> ReintegrationPlan:
    require_write(by, case)
    if not needs.strip():
        raise InvalidTransition({"needs": _("Write the needs assessed in the place of return.")})
    if solution is not None and solution.case_id != case.pk:
        raise InvalidTransition({"solution": _("This return belongs to another case.")})
    with transaction.atomic():
        lock_open(case)
        plan = ReintegrationPlan.objects.create(
            organization_id=case.organization_id, case=case, solution=solution, needs=needs, created_by=by.user
        )
        log_case(
            "reintegration.plan.created",
            by,
            case,
            {"plan": [None, plan.pk], "needs": masked(needs), "solution": [None, getattr(solution, "pk", None)]},
        )
    return plan


def _clean_assistance(plan: ReintegrationPlan, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("kind") not in AssistanceKind.values:
        raise InvalidTransition({"kind": _("Choose a kind of assistance.")})
    amount, currency = data.get("amount"), data.get("currency") or ""
    if amount is not None:
        if not isinstance(amount, Decimal) or not Decimal(0) < amount <= MAX_AMOUNT:
            raise InvalidTransition({"amount": _("Enter an amount above 0.")})
        require_currency("currency", currency)
    elif currency:
        raise InvalidTransition({"amount": _("Enter the amount in this currency.")})
    service = data.get("service")
    if service is not None and service.case_id != plan.case_id:
        raise InvalidTransition({"service": _("This service belongs to another case.")})
    return {
        "kind": data["kind"],
        "description": data.get("description", ""),
        "amount": amount,
        "currency": currency,
        "service": service,
    }


def add_assistance(plan: ReintegrationPlan, *, by: Membership, data: dict[str, Any]) -> ReintegrationAssistance:
    case = plan.case
    require_write(by, case)
    fields = _clean_assistance(plan, data)
    with transaction.atomic():
        lock_open(case)
        lock(plan)
        item = ReintegrationAssistance.objects.create(organization_id=plan.organization_id, plan=plan, **fields)
        log_case(
            "reintegration.assistance.added",
            by,
            case,
            {
                "plan": [None, plan.pk],
                "kind": [None, item.kind],
                "amount": [None, str(item.amount) if item.amount is not None else None],
                "currency": [None, item.currency or None],
            },
        )
    return item


def case_services(case: Any) -> Any:
    return ServiceRecord.objects.filter(case=case)


def record_disbursement(
    item: ReintegrationAssistance, *, by: Membership, amount: Decimal, paid_on: datetime.date | None = None
) -> Disbursement:
    """A payment of part of the assistance's amount, in its currency; never more than the amount in all."""
    case = item.plan.case
    require_write(by, case)
    day = paid_on or timezone.localdate()
    not_future("paid_on", day)
    if not isinstance(amount, Decimal) or amount <= 0:
        raise InvalidTransition({"amount": _("Enter an amount above 0.")})
    with transaction.atomic():
        lock_open(case)
        lock(item)
        if item.amount is None:
            raise InvalidTransition(_("This assistance has no amount to pay."))
        if item.status == AssistanceStatus.CANCELLED:
            raise InvalidTransition(_("This assistance was cancelled."))
        paid = item.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if paid + amount > item.amount:
            raise InvalidTransition(
                {"amount": _("At most %(left)s %(currency)s is left to pay.") % {"left": item.amount - paid, "currency": item.currency}}
            )
        payment = Disbursement.objects.create(
            organization_id=item.organization_id, assistance=item, amount=amount, paid_on=day, recorded_by=by.user
        )
        old = item.status
        item.status = AssistanceStatus.COMPLETED if paid + amount == item.amount else AssistanceStatus.ONGOING
        item.save(update_fields=["status", "updated_at"])
        log_case(
            "reintegration.disbursement.recorded",
            by,
            case,
            {
                "assistance": [None, item.pk],
                "amount": [None, str(amount)],
                "currency": [None, item.currency],
                "status": [old, item.status],
            },
        )
    return payment
