"""A return is planned, checked, approved, travelled and received; never without informed consent,
and for a minor never without a best-interests determination and a case manager's approval."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ctm.assistance.models import Task
from ctm.cases.domain.consent import withdraw_consent
from ctm.cases.models import Consent
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog
from ctm.reintegration.domain import solutions
from ctm.reintegration.models import DurableSolution
from tests.reintegration.objects import (
    SECRET,
    arrived,
    best_interests,
    days_ago,
    fresh,
    guardian_of,
    minor_case,
    plan,
    ready,
    return_consent,
    solution_for,
)

pytestmark = pytest.mark.django_db


def test_a_return_from_plan_to_arrival_raises_the_three_monitoring_tasks(personas):
    p = personas
    solution = arrived(p)
    assert solution.status == "arrived"
    assert fresh(p.case).stage == "reintegration"
    tasks = Task.objects.filter(case=p.case, kind__startswith="monitoring_", status="open")
    due = {t.kind: (t.due_on - solution.arrived_on).days for t in tasks}
    assert due == {"monitoring_3_months": 91, "monitoring_6_months": 182, "monitoring_12_months": 365}
    assert {t.assignee_id for t in tasks} == {p.case.owner_id}
    assert not Task.objects.filter(case=p.case, kind="return_approval", status="open").exists()
    # the destination place is encrypted at rest and masked in the log
    logged = str(list(ActivityLog.objects.filter(object_label=p.case.number).values_list("changes", flat=True)))
    assert "Bălți" not in logged


def test_no_approval_without_a_return_consent(personas):
    p = personas
    solution = ready(plan(p.case, p.caseworker), p.caseworker)
    with pytest.raises(InvalidTransition, match="consent"):
        solutions.approve_solution(solution_for(solution), by=p.case_manager)
    assert solution_for(solution).status == "planned"


@pytest.mark.parametrize("defect", ["other_scope", "not_told", "withdrawn", "future"])
def test_a_consent_that_is_not_a_valid_informed_return_consent_does_not_count(personas, defect):
    p = personas
    from ctm.cases.domain.consent import record_consent

    if defect == "other_scope":
        record_consent(fresh(p.case), by=p.caseworker, data={"scope": "assistance", "given_on": days_ago(3), "told_purpose": True})
    elif defect == "not_told":
        return_consent(p.case, p.caseworker, told=False)
    elif defect == "withdrawn":
        withdraw_consent(return_consent(p.case, p.caseworker), by=p.caseworker)
    else:
        consent = return_consent(p.case, p.caseworker)
        Consent.objects.filter(pk=consent.pk).update(given_on=days_ago(-3))
    solution = ready(plan(p.case, p.caseworker), p.caseworker)
    with pytest.raises(InvalidTransition):
        solutions.approve_solution(solution_for(solution), by=p.case_manager)


def test_a_consent_withdrawn_after_approval_stops_the_departure(personas):
    p = personas
    consent = return_consent(p.case, p.caseworker)
    solution = ready(plan(p.case, p.caseworker), p.caseworker)
    solutions.approve_solution(solution_for(solution), by=p.case_manager)
    withdraw_consent(Consent.objects.get(pk=consent.pk), by=p.caseworker)
    with pytest.raises(InvalidTransition, match="consent"):
        solutions.confirm_departure(solution_for(solution), by=p.caseworker)
    assert solution_for(solution).status == "approved"


def test_only_a_case_manager_approves(personas):
    p = personas
    return_consent(p.case, p.caseworker)
    solution = ready(plan(p.case, p.caseworker), p.caseworker)
    with pytest.raises(PermissionDenied):
        solutions.approve_solution(solution_for(solution), by=p.caseworker)
    with pytest.raises(PermissionDenied):
        solutions.approve_solution(solution_for(solution), by=p.outsider)


def test_a_minor_needs_a_guardian_consent_and_a_best_interests_determination(personas):
    p = personas
    case = minor_case(p)
    guardian = guardian_of(case, p.caseworker)
    solution = ready(plan(case, p.caseworker), p.caseworker)
    return_consent(case, p.caseworker, guardian=guardian)
    with pytest.raises(InvalidTransition, match="best-interests"):
        solutions.approve_solution(solution_for(solution), by=p.case_manager)
    bia = best_interests(case, p.caseworker)
    approved = solutions.approve_solution(solution_for(solution), by=p.case_manager)
    assert approved.status == "approved" and approved.best_interests_id == bia.pk


def test_departure_needs_fit_documents_itinerary_and_approval(personas):
    p = personas
    return_consent(p.case, p.caseworker)
    solution = plan(p.case, p.caseworker)
    with pytest.raises(InvalidTransition):
        solutions.confirm_departure(solution_for(solution), by=p.caseworker)  # not approved
    solutions.approve_solution(solution_for(solution), by=p.case_manager)
    with pytest.raises(InvalidTransition, match="fit"):
        solutions.confirm_departure(solution_for(solution), by=p.caseworker)
    solutions.record_fit_to_travel(solution_for(solution), by=p.caseworker, result="fit")
    doc = solutions.add_travel_document(solution_for(solution), by=p.caseworker, kind="passport")
    with pytest.raises(InvalidTransition, match="pending"):
        solutions.confirm_departure(solution_for(solution), by=p.caseworker)
    solutions.document_obtained(doc, by=p.caseworker)
    with pytest.raises(InvalidTransition, match="itinerary"):
        solutions.confirm_departure(solution_for(solution), by=p.caseworker)
    solutions.add_leg(
        solution_for(solution),
        by=p.caseworker,
        data={"travel_on": days_ago(0), "mode": "road", "origin": "A", "destination": "B"},
    )
    assert solutions.confirm_departure(solution_for(solution), by=p.caseworker).status == "departed"


def test_local_integration_settles_without_travel(personas):
    p = personas
    from ctm.cases.domain.consent import record_consent

    record_consent(fresh(p.case), by=p.caseworker, data={"scope": "assistance", "given_on": days_ago(3), "told_purpose": True})
    solution = plan(p.case, p.caseworker, kind="local_integration")
    solutions.approve_solution(solution_for(solution), by=p.case_manager)
    assert fresh(p.case).stage != "return"
    with pytest.raises(InvalidTransition):
        solutions.confirm_departure(solution_for(solution), by=p.caseworker)
    assert solutions.confirm_arrival(solution_for(solution), by=p.caseworker).status == "arrived"


def test_one_return_under_way_at_a_time_and_cancelling(personas):
    p = personas
    solution = plan(p.case, p.caseworker)
    with pytest.raises(InvalidTransition):
        plan(p.case, p.caseworker)
    solutions.cancel_solution(solution_for(solution), by=p.caseworker, reason="She decided to stay")
    assert plan(p.case, p.caseworker).status == "planned"


def test_receiving_organization_is_another_or_a_directory_entry_never_both(personas):
    p = personas
    from ctm.directory.models import SharedEntry

    with pytest.raises(InvalidTransition):
        plan(p.case, p.caseworker, receiving_organization=p.org)
    entry = SharedEntry.objects.create(name="La Strada", entry_type="ngo", country="MD")
    with pytest.raises(InvalidTransition):
        plan(p.case, p.caseworker, receiving_organization=p.other_org, receiving_contact=entry)
    assert plan(p.case, p.caseworker, receiving_contact=entry).receiving_contact_id == entry.pk


def test_outsider_and_auditor_cannot_write(personas):
    p = personas
    for who in (p.outsider, p.auditor, p.other_caseworker):
        with pytest.raises(PermissionDenied):
            plan(p.case, who)
    assert not DurableSolution.objects.exists()
    assert SECRET  # (the fixture's free text never reached a row)
