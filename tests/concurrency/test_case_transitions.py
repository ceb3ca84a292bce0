"""Conflicting transitions on one case, from two connections at once: one valid state, one refusal."""

from __future__ import annotations

import datetime

import pytest

from ctm.cases.domain import cases as case_domain
from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import screening as screening_domain
from ctm.cases.enums import CaseStatus, Stage
from ctm.cases.models import Case, CaseShare, Consent, EligibilityDecision
from ctm.core.errors import InvalidTransition
from tests import factories as f
from tests.concurrency.conftest import concurrently

TODAY = datetime.date.today()


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def refused(outcome) -> bool:
    return isinstance(outcome.error, InvalidTransition)


def test_a_closure_and_a_stage_change_never_leave_an_active_case_with_a_closure_date(race, personas):
    p = personas
    stale = fresh(p.case)  # what the caseworker's page loaded before the manager closed the case
    first, second = race(
        lambda: case_domain.close_case(fresh(p.case), by=p.case_manager, reason="plan_completed"),
        lambda: case_domain.change_stage(stale, by=p.caseworker, stage=Stage.ASSISTANCE),
        organizations=[p.org],
    )
    assert first.ok and refused(second), second.error
    case = fresh(p.case)
    assert case.status == CaseStatus.CLOSED and case.stage == Stage.CLOSED and case.closed_on is not None


def test_two_closures_one_wins(race, personas):
    p = personas
    a, b = fresh(p.case), fresh(p.case)
    first, second = race(
        lambda: case_domain.close_case(a, by=p.case_manager, reason="plan_completed"),
        lambda: case_domain.close_case(b, by=p.caseworker, reason="lost_contact"),
        organizations=[p.org],
    )
    assert first.ok and refused(second)
    assert fresh(p.case).closure_reason == "plan_completed"


def test_two_reopenings_count_once(race, personas):
    p = personas
    case_domain.close_case(fresh(p.case), by=p.case_manager, reason="plan_completed")
    a, b = fresh(p.case), fresh(p.case)
    first, second = race(
        lambda: case_domain.reopen_case(a, by=p.case_manager, reason="new needs"),
        lambda: case_domain.reopen_case(b, by=p.caseworker, reason="again"),
        organizations=[p.org],
    )
    assert first.ok and refused(second)
    case = fresh(p.case)
    assert case.status == CaseStatus.ACTIVE and case.reopen_count == 1 and case.closed_on is None


def test_a_closure_request_rejected_while_the_manager_closes(race, personas):
    p = personas
    minor = f.make_case(p.caseworker, given="Ana", family="Minor", birth=TODAY.replace(year=TODAY.year - 12))
    case_domain.close_case(fresh(minor), by=p.caseworker, reason="plan_completed")  # waits for a manager
    a, b = fresh(minor), fresh(minor)
    first, second = race(
        lambda: case_domain.close_case(a, by=p.case_manager, reason="plan_completed"),
        lambda: case_domain.reject_closure(b, by=p.case_manager),
        organizations=[p.org],
    )
    assert first.ok and refused(second)
    case = fresh(minor)
    assert case.status == CaseStatus.CLOSED and case.closure_reason == "plan_completed"


def test_an_eligibility_decision_is_reviewed_once(race, personas):
    p = personas
    decision = screening_domain.propose_eligibility(
        fresh(p.case), by=p.caseworker, data={"trafficking_status": "Actual", "decided_on": TODAY}
    )
    a, b = (EligibilityDecision.objects.get(pk=decision.pk) for _ in range(2))
    first, second = race(
        lambda: screening_domain.review_eligibility(a, by=p.case_manager, approve=True),
        lambda: screening_domain.review_eligibility(b, by=p.case_manager, approve=False),
        organizations=[p.org],
    )
    assert first.ok and refused(second)
    assert EligibilityDecision.objects.get(pk=decision.pk).state == "approved"
    assert fresh(p.case).trafficking_status == "Actual"


def _referral(p) -> Consent:
    return consent_domain.record_consent(
        fresh(p.case),
        by=p.caseworker,
        data={"scope": "referral", "given_on": TODAY, "referral_organization": p.other_org},
    )


def test_a_withdrawal_wins_over_a_share_made_on_its_consent(race, personas):
    p = personas
    consent = _referral(p)
    stale = Consent.objects.get(pk=consent.pk)
    first, second = race(
        lambda: consent_domain.withdraw_consent(Consent.objects.get(pk=consent.pk), by=p.caseworker),
        lambda: case_domain.share_case(fresh(p.case), by=p.case_manager, consent=stale),
        organizations=[p.org],
    )
    assert first.ok and refused(second), second.error
    assert not CaseShare.objects.filter(case=p.case, revoked_at__isnull=True).exists()


def test_a_share_then_a_withdrawal_leaves_no_active_share(race, personas):
    p = personas
    consent = _referral(p)
    first, second = race(
        lambda: case_domain.share_case(fresh(p.case), by=p.case_manager, consent=consent),
        lambda: consent_domain.withdraw_consent(Consent.objects.get(pk=consent.pk), by=p.caseworker),
        organizations=[p.org],
    )
    assert first.ok and second.ok
    assert CaseShare.objects.filter(case=p.case).count() == 1
    assert not CaseShare.objects.filter(case=p.case, revoked_at__isnull=True).exists()


def test_a_case_is_shared_once(race, personas):
    p = personas
    consent = _referral(p)
    first, second = race(
        lambda: case_domain.share_case(fresh(p.case), by=p.case_manager, consent=consent),
        lambda: case_domain.share_case(fresh(p.case), by=p.case_manager, consent=consent),
        organizations=[p.org],
    )
    assert first.ok and second.ok and first.value.pk == second.value.pk  # the second finds the first
    assert CaseShare.objects.filter(case=p.case).count() == 1


def test_a_consent_is_withdrawn_once(race, personas):
    p = personas
    consent = _referral(p)
    a, b = (Consent.objects.get(pk=consent.pk) for _ in range(2))
    first, second = race(
        lambda: consent_domain.withdraw_consent(a, by=p.caseworker),
        lambda: consent_domain.withdraw_consent(b, by=p.case_manager),
        organizations=[p.org],
    )
    assert first.ok and refused(second)


@pytest.mark.parametrize("existing_sequence", [False, True], ids=["first-of-the-year", "later"])
def test_twenty_registrations_at_once_get_twenty_numbers(two_connections, personas, existing_sequence):
    p = personas
    if not existing_sequence:
        from ctm.cases.models import CaseSequence

        CaseSequence.objects.filter(organization=p.org).delete()  # the first case of a new year
        Case.objects.filter(organization=p.org).update(number="OLD-" + str(p.case.pk))
    outcomes = concurrently(20, lambda i: f.make_case(p.caseworker, given=f"Name{i}").number, organizations=[p.org])
    assert [o.error for o in outcomes if not o.ok] == []
    numbers = [o.value for o in outcomes]
    assert len(set(numbers)) == 20
    suffixes = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert suffixes == list(range(suffixes[0], suffixes[0] + 20))
