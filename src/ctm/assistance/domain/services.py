"""Service records: what was planned or delivered for a person, by whom, when, at what cost."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.common import (
    lock,
    lock_open,
    log_case,
    masked,
    not_future,
    require_write,
)
from ctm.assistance.enums import SERVICE_TRANSITIONS, ProviderKind, ServiceStatus, SupportType
from ctm.assistance.models import ServiceRecord
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership

SERVICE_FIELDS = (
    "support_type",
    "plan_item",
    "provider_kind",
    "provider_organization",
    "provider_name",
    "started_on",
    "ended_on",
    "cost",
    "currency",
    "notes",
)
SETTLED = (ServiceStatus.DELIVERED, ServiceStatus.REFUSED, ServiceStatus.NOT_AVAILABLE)


def _provider_errors(case: Any, data: dict[str, Any]) -> dict[str, str]:
    kind, org = data.get("provider_kind"), data.get("provider_organization")
    if kind not in ProviderKind.values:
        return {"provider_kind": _("Choose who provides the service.")}
    if kind == ProviderKind.PARTNER and (org is None or org.pk == case.organization_id):
        return {"provider_organization": _("Choose the partner organization.")}
    if kind == ProviderKind.OUTSIDE and not (data.get("provider_name") or "").strip():
        return {"provider_name": _("Name the outside organization.")}
    return {}


def _cost_errors(data: dict[str, Any]) -> dict[str, str]:
    cost, currency = data.get("cost"), data.get("currency") or ""
    if cost is not None and Decimal(cost) < 0:
        return {"cost": _("A cost cannot be negative.")}
    if cost is not None and len(currency) != 3:
        return {"currency": _("Give the currency of the cost (ISO 4217, e.g. EUR).")}
    return {}


def _check(case: Any, data: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if data.get("support_type") not in SupportType.values:
        errors["support_type"] = _("Choose a support type.")
    if data.get("status", ServiceStatus.PLANNED) not in ServiceStatus.values:
        errors["status"] = _("Choose a status.")
    errors.update(_provider_errors(case, data))
    errors.update(_cost_errors(data))
    item = data.get("plan_item")
    if item is not None and item.plan.case_id != case.pk:
        errors["plan_item"] = _("This planned service belongs to another case.")
    start, end = data.get("started_on"), data.get("ended_on")
    if start and end and end < start:
        errors["ended_on"] = _("The end cannot be before the start.")
    if errors:
        raise InvalidTransition(errors)


def record_service(case: Any, *, by: Membership, data: dict[str, Any]) -> ServiceRecord:
    require_write(by, case)
    _check(case, data)
    not_future("started_on", data.get("started_on"))
    values = {k: data[k] for k in SERVICE_FIELDS if k in data}
    if values.get("provider_kind") != ProviderKind.PARTNER:
        values["provider_organization"] = None
    if values.get("provider_kind") != ProviderKind.OUTSIDE:
        values["provider_name"] = ""
    values["currency"] = (values.get("currency") or "").upper()
    with transaction.atomic():
        lock_open(case)
        service = ServiceRecord.objects.create(
            organization_id=case.organization_id,
            case=case,
            recorded_by=by.user,
            status=data.get("status", ServiceStatus.PLANNED),
            **values,
        )
        changes: dict[str, Any] = {
            "service": [None, service.pk],
            "support_type": [None, service.support_type],
            "status": [None, service.status],
            "provider_kind": [None, service.provider_kind],
        }
        if service.cost is not None:
            changes["cost"] = [None, f"{service.cost} {service.currency}"]
        if service.notes or service.provider_name:
            changes["notes"] = masked("•")
        log_case("assistance.service.recorded", by, case, changes)
    return service


def change_service_status(
    service: ServiceRecord, *, by: Membership, status: str, on: datetime.date | None = None
) -> ServiceRecord:
    """planned → ongoing → delivered; planned or ongoing → refused by the person; planned → not
    available. A settled service does not move again (record a new one)."""
    case = service.case
    require_write(by, case)
    day = on or timezone.localdate()
    not_future("on", day)
    with transaction.atomic():
        lock_open(case)
        lock(service)
        old = service.status
        if status not in SERVICE_TRANSITIONS.get(old, frozenset()):
            raise InvalidTransition({"status": _("This service cannot move to that status.")})
        fields = apply_status(service, status, day)
        service.save(update_fields=[*fields, "updated_at"])
        log_case(
            "assistance.service.status_changed",
            by,
            case,
            {"service": [None, service.pk], "status": [old, status]},
        )
    return service


def apply_status(service: ServiceRecord, status: str, day: datetime.date) -> list[str]:
    """Set the status and the dates it implies (the start when it begins, the end when it settles)."""
    service.status = status
    fields = ["status"]
    if status in (ServiceStatus.ONGOING, ServiceStatus.DELIVERED) and service.started_on is None:
        service.started_on = day
        fields.append("started_on")
    if status in SETTLED and service.ended_on is None:
        service.ended_on = max(day, service.started_on or day)
        fields.append("ended_on")
    return fields
