"""Assistance transitions from two connections at once: the last place of a shelter, a plan approved
while someone adds to it, two plans of one case approved together."""

from __future__ import annotations

from ctm.assistance.domain import plans, shelters
from ctm.assistance.models import AssistancePlan, PlanItem, ShelterStay
from ctm.cases.models import Case
from ctm.core.errors import InvalidTransition
from tests import factories as f


def test_two_admissions_for_the_last_place(race, personas):
    """The first admission holds its transaction open after its write; the second, for another case,
    waits on the shelter's row lock, then counts the first's stay and is refused."""
    p = personas
    shelter = shelters.create_shelter(by=p.case_manager, name="Last place", places=2)
    shelters.admit(Case.objects.get(pk=p.case.pk), by=p.caseworker, shelter=shelter)
    one, two = (f.make_case(p.caseworker, given=f"G{i}", family="F") for i in range(2))
    first, second = race(
        lambda: shelters.admit(Case.objects.get(pk=one.pk), by=p.caseworker, shelter=shelter),
        lambda: shelters.admit(Case.objects.get(pk=two.pk), by=p.caseworker, shelter=shelter),
        organizations=[p.org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert ShelterStay.objects.filter(shelter=shelter, discharged_on__isnull=True).count() == 2


def test_nothing_is_added_to_a_plan_being_approved(race, personas):
    from tests.assistance.objects import make_plan

    p = personas
    plan = make_plan(p, agreed=True)
    stale = AssistancePlan.objects.get(pk=plan.pk)  # the caseworker's page, loaded before the approval
    first, second = race(
        lambda: plans.approve_plan(AssistancePlan.objects.get(pk=plan.pk), by=p.case_manager),
        lambda: plans.add_plan_item(
            stale, by=p.caseworker, data={"support_type": "legal", "responsible": p.caseworker.user}
        ),
        organizations=[p.org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert PlanItem.objects.filter(plan=plan).count() == 2  # the two it was approved with


def test_two_plans_approved_together_leave_one_approved(race, personas):
    from tests.assistance.objects import make_plan

    p = personas
    one, two = make_plan(p, agreed=True), make_plan(p, agreed=True)
    first, second = race(
        lambda: plans.approve_plan(AssistancePlan.objects.get(pk=one.pk), by=p.case_manager),
        lambda: plans.approve_plan(AssistancePlan.objects.get(pk=two.pk), by=p.case_manager),
        organizations=[p.org],
    )
    assert first.ok and second.ok, (first.error, second.error)
    statuses = dict(AssistancePlan.objects.values_list("pk", "status"))
    assert statuses == {one.pk: "superseded", two.pk: "approved"}
