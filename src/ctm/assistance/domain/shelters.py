"""Shelters: places, admissions and discharges. An admission to a full shelter is refused unless a
case manager admits over capacity, with a reason (logged).

Occupancy on a day counts every stay not ended by that day (a stay admitted later counts too: it
will hold its place). The shelter's row is locked for each admission, so two admissions for the last
place run one after the other: the second sees the first and is refused."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.common import lock, lock_open, log_case, not_future, require_write
from ctm.assistance.domain.services import apply_status
from ctm.assistance.enums import ProviderKind, ServiceStatus, SupportType
from ctm.assistance.models import ServiceRecord, Shelter, ShelterStay
from ctm.assistance.rules import can_manage_shelters
from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership


def stays_on(day: datetime.date) -> Q:
    """The stays holding a place on `day` (or later)."""
    return Q(discharged_on__isnull=True) | Q(discharged_on__gt=day)


def occupied(shelter: Shelter, day: datetime.date) -> int:
    return ShelterStay.objects.filter(stays_on(day), shelter=shelter).count()


def create_shelter(
    *, by: Membership, name: str, places: int, office: Any = None, address: str = ""
) -> Shelter:
    if not can_manage_shelters(by):
        raise NotAllowed(_("Only a case manager may add shelters."))
    if places < 1:
        raise InvalidTransition({"places": _("A shelter has at least one place.")})
    if office is not None and office.organization_id != by.organization_id:
        raise NotAllowed(_("That office belongs to another organization."))
    if Shelter.objects.filter(organization_id=by.organization_id, name=name).exists():
        raise InvalidTransition({"name": _("Your organization already has a shelter with this name.")})
    with transaction.atomic():
        shelter = Shelter.objects.create(
            organization_id=by.organization_id, name=name, places=places, office=office, address=address
        )
        record(
            "assistance.shelter.created",
            actor=by.user,
            organization=by.organization,
            obj=shelter,
            label=shelter.name,
            changes={"places": [None, places]},
        )
    return shelter


def admit(
    case: Any,
    *,
    by: Membership,
    shelter: Shelter,
    on: datetime.date | None = None,
    service: ServiceRecord | None = None,
    override_reason: str = "",
) -> ShelterStay:
    """Admit the case's person to the shelter; the stay is an accommodation service (the one given,
    planned for it, or a new one), ongoing from the admission."""
    require_write(by, case)
    day = on or timezone.localdate()
    not_future("admitted_on", day)
    if shelter.organization_id != case.organization_id:
        raise NotAllowed(_("That shelter belongs to another organization."))
    if service is not None and (
        service.case_id != case.pk or service.support_type != SupportType.ACCOMMODATION
    ):
        raise InvalidTransition({"service": _("Choose an accommodation service of this case.")})
    with transaction.atomic():
        lock_open(case)
        lock(shelter)  # admissions to one shelter run one at a time: the count below is current
        if ShelterStay.objects.filter(case=case, discharged_on__isnull=True).exists():
            raise InvalidTransition(_("The person is already in a shelter: discharge them first."))
        full = occupied(shelter, day) >= shelter.places
        _check_capacity(by, full, override_reason)
        service = _stay_service(case, by, service, day)
        stay = ShelterStay.objects.create(
            organization_id=case.organization_id,
            shelter=shelter,
            case=case,
            service=service,
            admitted_on=day,
            admitted_by=by.user,
            override_reason=override_reason if full else "",
        )
        changes: dict[str, Any] = {"shelter": [None, shelter.name], "service": [None, service.pk]}
        if full:
            changes["over_capacity"] = [None, True]
            changes["override_reason"] = [None, "•••"]
        log_case("assistance.shelter.admitted", by, case, changes)
    return stay


def _check_capacity(by: Membership, full: bool, override_reason: str) -> None:
    if not full:
        return
    if not override_reason.strip():
        raise InvalidTransition({"shelter": _("The shelter is full on that day.")})
    if not can_manage_shelters(by):
        raise NotAllowed(_("Only a case manager may admit a person to a full shelter."))


def _stay_service(
    case: Any, by: Membership, service: ServiceRecord | None, day: datetime.date
) -> ServiceRecord:
    if service is None:
        return ServiceRecord.objects.create(
            organization_id=case.organization_id,
            case=case,
            recorded_by=by.user,
            support_type=SupportType.ACCOMMODATION,
            provider_kind=ProviderKind.OWN,
            status=ServiceStatus.ONGOING,
            started_on=day,
        )
    lock(service)
    if service.status not in (ServiceStatus.PLANNED, ServiceStatus.ONGOING):
        raise InvalidTransition({"service": _("This service is already settled.")})
    if service.status == ServiceStatus.PLANNED:
        service.save(update_fields=[*apply_status(service, ServiceStatus.ONGOING, day), "updated_at"])
    return service


def discharge(stay: ShelterStay, *, by: Membership, on: datetime.date | None = None) -> ShelterStay:
    """The person leaves the shelter; the stay's accommodation service is delivered."""
    case = stay.case
    require_write(by, case)
    day = on or timezone.localdate()
    not_future("discharged_on", day)
    with transaction.atomic():
        lock(stay)
        if stay.discharged_on is not None:
            raise InvalidTransition(_("The person was already discharged."))
        if day < stay.admitted_on:
            raise InvalidTransition({"discharged_on": _("The discharge cannot be before the admission.")})
        stay.discharged_on = day
        stay.save(update_fields=["discharged_on", "updated_at"])
        if stay.service_id:
            service = lock(ServiceRecord.objects.get(pk=stay.service_id))
            if service.status == ServiceStatus.ONGOING:
                service.save(
                    update_fields=[*apply_status(service, ServiceStatus.DELIVERED, day), "updated_at"]
                )
        log_case("assistance.shelter.discharged", by, case, {"shelter": [None, stay.shelter.name]})
    return stay
