"""Return and reintegration transitions from two connections at once: a consent withdrawn while the
return is approved, two disbursements for the last of an amount, two returns planned together."""

from __future__ import annotations

from decimal import Decimal

from ctm.cases.domain.consent import withdraw_consent
from ctm.cases.models import Case, Consent
from ctm.core.errors import InvalidTransition
from ctm.reintegration.domain import plans, solutions
from ctm.reintegration.models import Disbursement, DurableSolution, ReintegrationAssistance
from tests.reintegration.objects import plan, ready, return_consent, solution_for


def test_a_return_approved_while_its_consent_is_withdrawn_is_refused(race, personas):
    """The withdrawal holds the case's row; the approval waits on it, then finds no consent."""
    p = personas
    consent = return_consent(p.case, p.caseworker)
    solution = ready(plan(p.case, p.caseworker), p.caseworker)
    first, second = race(
        lambda: withdraw_consent(Consent.objects.get(pk=consent.pk), by=p.caseworker),
        lambda: solutions.approve_solution(solution_for(solution), by=p.case_manager),
        organizations=[p.org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert DurableSolution.objects.get(pk=solution.pk).status == "planned"


def test_two_disbursements_for_the_last_of_the_amount(race, personas):
    p = personas
    rplan = plans.create_reintegration_plan(Case.objects.get(pk=p.case.pk), by=p.caseworker, needs="Work")
    item = plans.add_assistance(
        rplan, by=p.caseworker, data={"kind": "allowance", "amount": Decimal("100.00"), "currency": "EUR"}
    )

    def pay() -> object:
        fresh = ReintegrationAssistance.objects.select_related("plan__case").get(pk=item.pk)
        return plans.record_disbursement(fresh, by=p.caseworker, amount=Decimal("60.00"))

    first, second = race(pay, pay, organizations=[p.org])
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert Disbursement.objects.filter(assistance=item).count() == 1


def test_two_returns_planned_together_leave_one(race, personas):
    p = personas
    first, second = race(
        lambda: plan(p.case, p.caseworker),
        lambda: plan(p.case, p.caseworker),
        organizations=[p.org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert DurableSolution.objects.filter(case=p.case).count() == 1
