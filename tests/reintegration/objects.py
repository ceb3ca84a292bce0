"""Return and reintegration records for tests, made through the domain functions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ctm.cases.domain.consent import add_best_interests, add_guardian, record_consent
from ctm.cases.models import Case
from ctm.reintegration.domain import monitoring, plans, solutions

SECRET = "Secret: she goes back to her aunt's in Bălți"
GOOD = dict.fromkeys(
    [
        "income_source",
        "economic_satisfaction",
        "food_security",
        "debt",
        "borrowing",
        "housing",
        "healthcare",
        "education",
        "documents",
        "justice",
        "support_network",
        "participation",
        "discrimination",
        "wellbeing",
        "wish_to_stay",
    ],
    4,
)


def fresh(case: Any) -> Case:
    return Case.objects.get(pk=case.pk)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def return_consent(case: Any, by: Any, *, guardian: Any = None, told: bool = True) -> Any:
    data: dict[str, Any] = {"scope": "return", "given_on": days_ago(30), "told_purpose": told}
    if guardian is not None:
        data.update(given_by="guardian", guardian=guardian)
    return record_consent(fresh(case), by=by, data=data)


def eligible(case: Any, by: Any) -> None:
    """An approved eligibility decision (actual victim): the register's condition of the Return stage
    (cases.domain.queries.requirements), which an approved return moves the case to."""
    from ctm.cases.enums import DecisionState, TraffickingStatus
    from ctm.cases.models import EligibilityDecision

    if not EligibilityDecision.objects.filter(case=case, state=DecisionState.APPROVED).exists():
        EligibilityDecision.objects.create(
            organization=case.organization, case=case, trafficking_status=TraffickingStatus.ACTUAL,
            decision_body="NGO", decided_on=days_ago(60), state=DecisionState.APPROVED,
            proposed_by=by.user, reviewed_by=by.user, reviewed_at=timezone.now(),
        )  # fmt: skip


def plan(case: Any, by: Any, **extra: Any) -> Any:
    eligible(case, by)
    data = {
        "kind": "return",
        "destination_country": "MD",
        "destination_place": SECRET,
        "escort": "",
        "post_arrival_assistance": "Reception at the airport",
        **extra,
    }
    return solutions.plan_solution(fresh(case), by=by, data=data)


def ready(solution: Any, by: Any) -> Any:
    """Fit, documents obtained, one leg: ready to depart once approved."""
    solutions.record_fit_to_travel(solution, by=by, result="fit", on=days_ago(20))
    solutions.add_travel_document(solution, by=by, kind="emergency", status="obtained")
    solutions.add_leg(
        solution, by=by, data={"travel_on": days_ago(15), "mode": "air", "origin": "Moscow", "destination": "Chișinău"}
    )
    return solution


def minor_case(p: Any) -> Any:
    from tests import factories as f

    return f.make_case(p.caseworker, given="Ana", family="Ciobanu", birth=datetime.date(2012, 5, 5))


def guardian_of(case: Any, by: Any) -> Any:
    return add_guardian(fresh(case), by=by, data={"name": "Maria Ciobanu", "relationship": "aunt"})


def best_interests(case: Any, by: Any) -> Any:
    return add_best_interests(
        fresh(case), by=by, data={"assessed_on": days_ago(10), "summary": "Family able to care for her."}
    )


def arrived(p: Any, case: Any = None) -> Any:
    """A return of the home case (or `case`, an adult's), approved, travelled and arrived 100 days ago."""
    case = case or p.case
    return_consent(case, p.caseworker)
    solution = ready(plan(case, p.caseworker), p.caseworker)
    solution = solutions.approve_solution(solution_for(solution), by=p.case_manager)
    solutions.confirm_departure(solution_for(solution), by=p.caseworker, on=days_ago(15))
    return solutions.confirm_arrival(solution_for(solution), by=p.caseworker, on=days_ago(14))


def solution_for(solution: Any) -> Any:
    from ctm.reintegration.models import DurableSolution

    s = DurableSolution.objects.get(pk=solution.pk)
    s.case = fresh(s.case)
    return s


def make_reintegration(p: Any) -> dict[str, Any]:
    """Every kind of record on the home case, with free text that could leak."""
    solution = arrived(p)
    rplan = plans.create_reintegration_plan(fresh(p.case), by=p.caseworker, needs=SECRET, solution=solution)
    item = plans.add_assistance(
        rplan,
        by=p.caseworker,
        data={"kind": "micro_business", "description": SECRET, "amount": Decimal("1000.00"), "currency": "MDL"},
    )
    plans.record_disbursement(item, by=p.caseworker, amount=Decimal("400.00"))
    visit = monitoring.record_visit(
        fresh(p.case),
        by=p.caseworker,
        data={"milestone": "3", "visited_on": days_ago(1), "answers": GOOD, "outcome": "staying", "notes": SECRET},
    )
    doc = solution.documents.first()
    return {
        "solution": solution.pk,
        "document": doc.pk,
        "rplan": rplan.pk,
        "assistance": item.pk,
        "visit": visit.pk,
    }


def reintegration_objects(p: Any) -> dict[str, Any]:
    """`make_reintegration` once per personas (the permission matrix asks for it row by row)."""
    if not hasattr(p, "_reintegration"):
        p._reintegration = make_reintegration(p)
    return p._reintegration  # type: ignore[no-any-return]


def api_objects(p: Any) -> dict[str, Any]:
    """For the API's matrix: the home case's records, and one case per state of a return, so each
    transition meets a return it can move (each persona's call is rolled back)."""
    from tests import factories as f

    ids = dict(reintegration_objects(p))
    cases = {
        state: f.make_case(p.caseworker, given=f"R{n}", family="Return", birth=datetime.date(1990, 1, n + 1))
        for n, state in enumerate(("planned", "approved", "departed", "closable"))
    }
    for state in ("planned", "approved", "departed"):
        case = cases[state]
        return_consent(case, p.caseworker)
        solution = ready(plan(case, p.caseworker), p.caseworker)
        if state != "planned":
            solutions.approve_solution(solution_for(solution), by=p.case_manager)
        if state == "departed":
            solutions.confirm_departure(solution_for(solution), by=p.caseworker)
        ids[f"r_{state}"] = solution.pk
        ids[f"r_{state}_number"] = case.number
    pending = solutions.add_travel_document(solution_for_id(ids["r_planned"]), by=p.caseworker, kind="visa")
    ids["r_pending_document"] = pending.pk
    ids["r_closable_number"] = cases["closable"].number
    # a receiving organization in the destination country (MD): the planned return's referral to it,
    # to link; the approved return's consent naming it, to refer from the return
    receiver = f.make_org("REC", "MD", name="Receiving NGO")
    ids["r_receiver"] = receiver.pk
    ids["r_referral"] = receiving_referral(p, cases["planned"], receiver).pk
    referral_consent(p, cases["approved"], receiver)
    return ids


def referral_consent(p: Any, case: Any, organization: Any) -> Any:
    data = {"scope": "referral", "given_on": days_ago(5), "given_by": "person", "referral_organization": organization}
    return record_consent(fresh(case), by=p.case_manager, data=data)


def receiving_referral(p: Any, case: Any, organization: Any, *, consent: bool = True) -> Any:
    """A referral of `case` to `organization` (sent, under a consent naming it)."""
    from ctm.referrals.domain.referrals import send_referral

    if consent:
        referral_consent(p, case, organization)
    data = {
        "recipient_kind": "organization",
        "to_organization": organization,
        "reason": SECRET,
        "services": ["accommodation"],
        "parts": ["identity"],
    }
    return send_referral(fresh(case), by=p.caseworker, data=data)


def solution_for_id(pk: int) -> Any:
    from ctm.reintegration.models import DurableSolution

    return solution_for(DurableSolution.objects.get(pk=pk))
