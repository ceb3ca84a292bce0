"""Fictional returns and reintegration for the demo, per organization: returns arrived long enough
ago to show monitoring visits at 3, 6 and 12 months (with their trend, and one re-trafficking), a
minor's return (guardian, best-interests determination, case manager's approval), returns waiting for
approval or on the way, a local integration, reintegration plans with disbursements, and a case closed
with the checklist. Written through the domain functions; seeded: reproducible."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ctm.cases.demo_data import DEMO_ORGS
from ctm.cases.domain.consent import record_consent
from ctm.cases.enums import CLOSED_STATUSES, Stage
from ctm.cases.models import Case, Guardian
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership, Organization
from ctm.core.scopes import organization_scope
from ctm.directory.models import SharedEntry
from ctm.reintegration.domain import closure, monitoring, plans, receiving, solutions
from ctm.reintegration.engine.scoring import CODES
from ctm.reintegration.enums import ClosureCheck

# Where the people of each organization go home to (fictional places), and the currency there.
HOME = {
    "CHI": ("MD", "Bălți district (fictional village)", "MDL"),
    "BKK": ("MM", "Mawlamyine (fictional ward)", "MMK"),
    "LAG": ("NG", "Edo State (fictional town)", "NGN"),
}
ROUTE = {"CHI": ("Moscow", "Chișinău"), "BKK": ("Bangkok", "Mae Sot border point"), "LAG": ("Lagos", "Benin City")}
AMOUNT = {"MDL": 12000, "MMK": 900000, "NGN": 450000}
ARRIVED_DAYS_AGO = (400, 380, 220, 200, 100)  # visits up to 12, 12, 6, 6 and 3 months


def load_demo(seed: int) -> int:
    rng = random.Random(seed)
    total = 0
    for spec in DEMO_ORGS:
        org = Organization.objects.get(code=spec.code)
        with organization_scope(org), transaction.atomic():
            total += _organization(org, spec.code, rng)
    return total


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _organization(org: Organization, code: str, rng: random.Random) -> int:
    members = {m.user_id: m for m in Membership.objects.filter(organization=org).select_related("organization")}
    manager = next(m for m in members.values() if m.role == Role.CASE_MANAGER)
    if code == "LAG":  # an organization that weighs the economic dimension double
        weights = monitoring.weights_of(org.pk)
        weights.dimensions["economic"] = Decimal(2)
        monitoring.set_scoring_weights(by=manager, weights=weights)
    open_cases = (
        Case.objects.filter(organization=org)
        .exclude(stage=Stage.SCREENING)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-number")
    )
    # the longest-open cases first: their returns can have happened a year ago, after their consent
    adults = [c for c in open_cases.filter(is_minor=False).order_by("opened_on", "number")[:10] if not c.closure_requested_by_id]
    minor = next((c for c in open_cases.filter(is_minor=True) if Guardian.objects.filter(case=c).exists()), None)
    done = 0
    for case, days in zip(adults, ARRIVED_DAYS_AGO, strict=False):
        days = min(days, (timezone.localdate() - case.opened_on).days - 20)  # after the case opened
        if days > 30:
            done += _returned(case, members[case.owner_id], manager, code, days, rng)
    steps = ("planned", "approved", "departed", "local")
    for case, step in zip(adults[len(ARRIVED_DAYS_AGO) :], steps, strict=False):
        done += _under_way(case, members[case.owner_id], manager, code, step)
    if minor is not None:
        done += _under_way(minor, members[minor.owner_id], manager, code, "approved")
    settled = next((c for c in open_cases[10:60] if not closure.open_work(c)["services"]), None)
    if settled is not None:
        done += _under_way(settled, members[settled.owner_id], manager, code, "closed")
    return done


def _consent(case: Case, by: Membership, scope: str = "return") -> None:
    guardian = Guardian.objects.filter(case=case).first() if case.is_minor else None
    data: dict[str, Any] = {"scope": scope, "given_on": case.opened_on, "told_purpose": True}
    data.update(told_uses=True, told_withdrawal=True)
    if guardian is not None:
        data.update(given_by="guardian", guardian=guardian)
    record_consent(case, by=by, data=data)


def _plan(case: Case, by: Membership, code: str, kind: str = "return") -> Any:
    country, place, _currency = HOME[code]
    contact = SharedEntry.objects.filter(country=country).order_by("id").first()
    return solutions.plan_solution(
        case,
        by=by,
        data={
            "kind": kind,
            "destination_country": country,
            "destination_place": place,
            "receiving_contact": contact,
            "post_arrival_assistance": "Met on arrival; two nights in a reception centre; first allowance.",
        },
    )


def _refer_for_return(case: Case, by: Membership, solution: Any) -> None:
    """The receiving organization asked through a referral sent from the return (its consent first)."""
    ref = solution.receiving_contact.ref
    consent = {"scope": "referral", "given_on": timezone.localdate(), "given_by": "person", "referral_contact": ref}
    consent.update(dict.fromkeys(("told_purpose", "told_uses", "told_withdrawal"), True))
    record_consent(case, by=by, data=consent)
    data = {
        "recipient_kind": "directory",
        "directory_ref": ref,
        "reason": "Reception on arrival and a place in a reception centre (fictional).",
        "services": ["accommodation", "psychosocial"],
        "parts": ["identity"],
        "urgency": "routine",
    }
    receiving.refer_for_return(solution, by=by, data=data)


def _prepare(solution: Any, by: Membership, code: str, days: int) -> None:
    solutions.record_fit_to_travel(solution, by=by, result="fit", on=_ago(days + 10))
    solutions.add_travel_document(solution, by=by, kind="emergency", status="obtained")
    origin, destination = ROUTE[code]
    solutions.add_leg(
        solution, by=by, data={"travel_on": _ago(days), "mode": "air", "origin": origin, "destination": destination}
    )


def _answers(level: float, rng: random.Random) -> dict[str, int]:
    return {c: max(1, min(5, round(level + rng.uniform(-1.2, 1.2)))) for c in CODES}


def _returned(case: Case, owner: Membership, manager: Membership, code: str, days: int, rng: random.Random) -> int:
    try:
        _consent(case, owner)
        solution = _plan(case, owner, code)
        _prepare(solution, owner, code, days)
        solutions.approve_solution(solution, by=manager)
        solutions.confirm_departure(solution, by=owner, on=_ago(days))
        solutions.confirm_arrival(solution, by=owner, on=_ago(days - 1))
    except InvalidTransition:
        return 0
    _reintegration_plan(case, owner, code, solution, rng)
    level = rng.uniform(2.0, 3.0)
    for months, milestone in ((3, "3"), (6, "6"), (12, "12")):
        visit_day = _ago(days - 1 - months * 30)
        if visit_day > timezone.localdate():
            break
        level = min(4.6, level + rng.uniform(0.2, 0.8))
        outcome = "re_trafficked" if days == ARRIVED_DAYS_AGO[1] and milestone == "12" else "staying"
        monitoring.record_visit(
            case,
            by=owner,
            data={"milestone": milestone, "visited_on": visit_day, "answers": _answers(level, rng), "outcome": outcome},
        )
    return 1


def _reintegration_plan(case: Case, owner: Membership, code: str, solution: Any, rng: random.Random) -> None:
    currency = HOME[code][2]
    plan = plans.create_reintegration_plan(
        case, by=owner, needs="Income for the household; a place to live; follow-up of her health.", solution=solution
    )
    grant = plans.add_assistance(
        plan,
        by=owner,
        data={"kind": "micro_business", "description": "Tailoring workshop", "amount": Decimal(AMOUNT[currency]), "currency": currency},
    )
    plans.record_disbursement(grant, by=owner, amount=Decimal(AMOUNT[currency]) / 2, paid_on=solution.arrived_on)
    plans.add_assistance(plan, by=owner, data={"kind": rng.choice(["education", "housing", "medical"])})


def _under_way(case: Case, owner: Membership, manager: Membership, code: str, step: str) -> int:
    try:
        if step == "closed":
            closure.close_with_checklist(case, by=manager, reason="plan_completed", checks=list(ClosureCheck.values))
            return 1
        kind = "local_integration" if step == "local" else "return"
        _consent(case, owner, scope="assistance" if kind == "local_integration" else "return")
        solution = _plan(case, owner, code, kind)
        if kind == "return":
            _prepare(solution, owner, code, 0)
        if step == "planned" and solution.receiving_contact is not None:
            _refer_for_return(case, owner, solution)
        if step in ("approved", "departed", "local"):
            solutions.approve_solution(solution, by=manager)
        if step == "departed":
            solutions.confirm_departure(solution, by=owner)
    except InvalidTransition:
        return 0
    return 1
