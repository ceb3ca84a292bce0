"""Fictional assistance for the demo: shelters per organization, then for part of the open cases an
assessment (a second one for some, to show what changed), an agreed plan (approved for most) and its
services, with admissions to shelters. Written through the domain functions, so the activity log,
the tasks (high risks, plans to approve) and the notifications are real. Seeded: reproducible."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ctm.assistance.domain import assessments, plans, services, shelters
from ctm.assistance.enums import AgreementMethod, Factor, ServiceStatus, SupportType
from ctm.cases.demo_data import DEMO_ORGS
from ctm.cases.enums import CLOSED_STATUSES, Stage
from ctm.cases.models import Case
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership, Organization
from ctm.core.scopes import organization_scope

CASES_PER_ORG = 120  # at most, of the open cases past screening
SHELTERS = {  # name, places, office index
    "CHI": (("Casa Speranța (fictional)", 10, 0), ("Bălți safe flat (fictional)", 3, 1)),
    "BKK": (("Bangkok protection home (fictional)", 14, 0), ("Mae Sot transit home (fictional)", 4, 1)),
    "LAG": (("Harbour House (fictional)", 16, 0), ("Benin City transit home (fictional)", 5, 1)),
}
CURRENCY = {"CHI": ("MDL", 400), "BKK": ("THB", 1500), "LAG": ("NGN", 40000)}
OBJECTIVES = (
    "Safe accommodation and medical check-up; recover identity documents; prepare a decision on return.",
    "Stabilise health and wellbeing; legal counselling on the options; contact the family if she wishes.",
    "Psychosocial support and vocational training towards independent living.",
)
PLANNED = (
    SupportType.ACCOMMODATION,
    SupportType.MEDICAL,
    SupportType.PSYCHOSOCIAL,
    SupportType.LEGAL,
    SupportType.DOCUMENTS,
    SupportType.INTERPRETATION,
    SupportType.FAMILY_TRACING,
    SupportType.VOCATIONAL,
    SupportType.ALLOWANCE,
)


def load_demo(seed: int) -> int:
    """Assistance for every demo organization; returns how many cases received some."""
    rng = random.Random(seed)
    total = 0
    for spec in DEMO_ORGS:
        org = Organization.objects.get(code=spec.code)
        with organization_scope(org), transaction.atomic():
            total += _organization(org, spec.code, rng)
    _opt_in_to_email()
    return total


def _opt_in_to_email() -> None:
    """Each demo case manager has their notifications announced by e-mail (from now on: the demo's
    own notifications are not sent). The demo's console backend prints them in `ctm serve`'s output."""
    from ctm.accounts.domain.preferences import set_notification_email

    for m in Membership.objects.filter(role=Role.CASE_MANAGER, organization__code__in=[s.code for s in DEMO_ORGS]):
        set_notification_email(m.user, enabled=True, email=f"{m.user.username}@example.org", organization=m.organization)


def _organization(org: Organization, code: str, rng: random.Random) -> int:
    members = {
        m.user_id: m for m in Membership.objects.filter(organization=org).select_related("organization")
    }
    manager = next(m for m in members.values() if m.role == Role.CASE_MANAGER)
    homes = [
        shelters.create_shelter(by=manager, name=name, places=places, office=org.offices.order_by("id")[i])
        for name, places, i in SHELTERS[code]
    ]
    cases = list(
        Case.objects.filter(organization=org)
        .exclude(stage=Stage.SCREENING)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("number")[:CASES_PER_ORG]
    )
    for case in cases:
        _case(case, members[case.owner_id], manager, homes, CURRENCY[code], rng)
    return len(cases)


def _day(start: datetime.date, days: int) -> datetime.date:
    return min(start + datetime.timedelta(days=days), timezone.localdate())


def _factors(rng: random.Random, protective_share: float) -> dict[str, str]:
    codes = rng.sample(list(Factor.values), rng.randint(3, 7))
    return {c: "protective" if rng.random() < protective_share else "risk" for c in codes}


def _case(
    case: Case, owner: Membership, manager: Membership, homes: list[Any], money: Any, rng: random.Random
) -> None:
    first = _factors(rng, 0.3)
    risk = rng.choices(["low", "medium", "high"], [3, 5, 2])[0]
    assessments.record_assessment(
        case, by=owner, safety_risk=risk, factors=first, assessed_on=_day(case.opened_on, 2)
    )
    if rng.random() < 0.5 and _day(case.opened_on, 60) > _day(case.opened_on, 2):
        later = {c: ("protective" if k == "risk" and rng.random() < 0.4 else k) for c, k in first.items()}
        later.update(_factors(rng, 0.6) if rng.random() < 0.3 else {})
        level = rng.choices(["low", "medium", risk], [4, 3, 2])[0]
        assessments.record_assessment(
            case, by=owner, safety_risk=level, factors=later, assessed_on=_day(case.opened_on, 60)
        )
    plan = plans.create_plan(case, by=owner, objectives=rng.choice(OBJECTIVES), responsible=owner.user)
    start = _day(case.opened_on, 5)
    kinds = [SupportType.ACCOMMODATION, SupportType.MEDICAL, *rng.sample(PLANNED[2:], rng.randint(0, 3))]
    items = [
        plans.add_plan_item(
            plan,
            by=owner,
            data={
                "support_type": k,
                "responsible": owner.user,
                "planned_start": start,
                "planned_end": _day(start, 90),
            },
        )
        for k in kinds
    ]
    method = (
        AgreementMethod.GUARDIAN
        if case.is_minor
        else rng.choice([AgreementMethod.SIGNED, AgreementMethod.VERBAL])
    )
    plans.record_agreement(plan, by=owner, agreed_on=start, method=method)
    if rng.random() < 0.8:
        plans.approve_plan(plan, by=manager)
    for item in items:
        _deliver(case, owner, item, homes, money, start, rng)


def _deliver(
    case: Case,
    owner: Membership,
    item: Any,
    homes: list[Any],
    money: Any,
    start: datetime.date,
    rng: random.Random,
) -> None:
    if item.support_type == SupportType.ACCOMMODATION:
        _shelter(case, owner, item, homes, start, rng)
        return
    currency, typical = money
    cost = (
        Decimal(int(typical * rng.uniform(0.2, 1.5)))
        if item.support_type != SupportType.INTERPRETATION
        else None
    )
    service = services.record_service(
        case,
        by=owner,
        data={
            "support_type": item.support_type, "plan_item": item, "provider_kind": "own",
            "cost": cost, "currency": currency if cost is not None else "",
        },
    )  # fmt: skip
    outcome = rng.choices(["planned", "ongoing", "delivered", "refused", "not_available"], [2, 3, 8, 1, 1])[0]
    if outcome in ("ongoing", "delivered"):
        services.change_service_status(service, by=owner, status=ServiceStatus.ONGOING, on=_day(start, 3))
    if outcome != "planned" and outcome != "ongoing":
        services.change_service_status(service, by=owner, status=outcome, on=_day(start, rng.randint(10, 60)))


def _shelter(
    case: Case, owner: Membership, item: Any, homes: list[Any], start: datetime.date, rng: random.Random
) -> None:
    service = services.record_service(
        case,
        by=owner,
        data={"support_type": SupportType.ACCOMMODATION, "plan_item": item, "provider_kind": "own"},
    )
    home = homes[0] if case.office_id == homes[0].office_id or len(homes) == 1 else homes[1]
    try:
        stay = shelters.admit(case, by=owner, shelter=home, on=start, service=service)
    except InvalidTransition:  # full: the service stays planned (a manager may admit over capacity)
        return
    if rng.random() < 0.7:
        shelters.discharge(stay, by=owner, on=_day(start, rng.randint(20, 120)))
