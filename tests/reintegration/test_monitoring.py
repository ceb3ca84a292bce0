"""Monitoring visits after arrival: scored with the organization's weights, tasks done, outcomes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ctm.assistance.models import Task
from ctm.core.errors import InvalidTransition
from ctm.reintegration.domain import monitoring, plans
from ctm.reintegration.engine import scoring
from ctm.reintegration.models import Disbursement, MonitoringVisit
from tests.reintegration.objects import GOOD, SECRET, arrived, days_ago, fresh, plan

pytestmark = pytest.mark.django_db


def visit(p, **extra):
    data = {"milestone": "3", "visited_on": days_ago(1), "answers": GOOD, "outcome": "staying", **extra}
    return monitoring.record_visit(fresh(p.case), by=p.caseworker, data=data)


def test_no_visit_before_an_arrival(personas):
    plan(personas.case, personas.caseworker)
    with pytest.raises(InvalidTransition, match="arrival"):
        visit(personas)


def test_a_visit_is_scored_and_does_its_task(personas):
    p = personas
    arrived(p)
    v = visit(p, notes=SECRET)
    assert v.composite == Decimal("0.75") and v.weights == scoring.default_weights().as_json()
    assert Task.objects.get(case=p.case, kind="monitoring_3_months").status == "done"
    assert Task.objects.get(case=p.case, kind="monitoring_6_months").status == "open"
    assert fresh(p.case).stage == "monitoring"


def test_the_organization_weights_score_new_visits_and_old_ones_keep_theirs(personas):
    p = personas
    arrived(p)
    first = visit(p, answers={**GOOD, "income_source": 1})
    w = scoring.default_weights()
    w.indicators["income_source"] = Decimal(0)
    monitoring.set_scoring_weights(by=p.case_manager, weights=w)
    second = visit(p, milestone="6", answers={**GOOD, "income_source": 1})
    assert first.economic == Decimal("0.60") and second.economic == Decimal("0.75")
    assert MonitoringVisit.objects.get(pk=first.pk).weights["indicators"]["income_source"] == "1"


def test_only_case_managers_set_weights_and_bad_weights_are_refused(personas):
    p = personas
    with pytest.raises(PermissionDenied):
        monitoring.set_scoring_weights(by=p.caseworker, weights=scoring.default_weights())
    w = scoring.default_weights()
    w.dimensions.update(dict.fromkeys(scoring.DIMENSIONS, Decimal(0)))
    with pytest.raises(InvalidTransition):
        monitoring.set_scoring_weights(by=p.case_manager, weights=w)


def test_re_trafficking_is_recorded_as_an_outcome(personas):
    arrived(personas)
    assert visit(personas, outcome="re_trafficked").get_outcome_display() == "Re-trafficked"


def test_bad_answers_are_a_field_error(personas):
    arrived(personas)
    with pytest.raises(InvalidTransition) as exc:
        visit(personas, answers={"income_source": 9})
    assert "answers" in exc.value.error_dict


def test_disbursements_never_exceed_the_amount(personas):
    p = personas
    rplan = plans.create_reintegration_plan(fresh(p.case), by=p.caseworker, needs="Work")
    item = plans.add_assistance(
        rplan, by=p.caseworker, data={"kind": "allowance", "amount": Decimal("100.00"), "currency": "EUR"}
    )
    plans.record_disbursement(item, by=p.caseworker, amount=Decimal("60.00"))
    with pytest.raises(InvalidTransition, match=r"40\.00"):
        plans.record_disbursement(item, by=p.caseworker, amount=Decimal("50.00"))
    plans.record_disbursement(item, by=p.caseworker, amount=Decimal("40.00"))
    item.refresh_from_db()
    assert item.status == "completed" and Disbursement.objects.count() == 2


@pytest.mark.parametrize("currency", ["", "XXQ", "eur"])
def test_an_amount_needs_an_iso_4217_currency(personas, currency):
    p = personas
    rplan = plans.create_reintegration_plan(fresh(p.case), by=p.caseworker, needs="Work")
    with pytest.raises(InvalidTransition):
        plans.add_assistance(rplan, by=p.caseworker, data={"kind": "allowance", "amount": Decimal(1), "currency": currency})
