"""Linking a return to the referral that asks its receiving organization, from two connections at
once: two links of two referrals, a link racing the referral's withdrawal, a link racing the
withdrawal of the consent."""

from __future__ import annotations

from ctm.cases.domain import consent as consent_domain
from ctm.cases.models import Case, Consent
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog
from ctm.referrals.domain import referrals
from ctm.referrals.models import Referral
from ctm.reintegration.domain.receiving import link_referral
from ctm.reintegration.models import DurableSolution
from tests import factories as f
from tests.referrals.objects import consent_for, refer
from tests.reintegration.objects import plan, solution_for


def _return(p):
    return plan(p.case, p.caseworker, destination_country="TH")


def _stale(pk: int) -> Referral:
    return Referral.objects.select_related("case", "to_organization").get(pk=pk)


def test_two_links_of_two_referrals_end_in_one(race, personas):
    """Two caseworkers link the return to two referrals (two organizations in the destination
    country) at the same moment: the second waits, sees the first link, and is refused."""
    p = personas
    solution = _return(p)
    first_referral = refer(p)
    thai = f.make_org("THR", "TH", name="Second Thai NGO")
    consent_for(p, thai)
    second_referral = referrals.send_referral(
        Case.objects.get(pk=p.case.pk),
        by=p.case_manager,
        data={"recipient_kind": "organization", "to_organization": thai, "reason": "x"},
    )
    one, two = solution_for(solution), solution_for(solution)  # both pages loaded with no referral
    first, second = race(
        lambda: link_referral(one, by=p.caseworker, referral=_stale(first_referral.pk)),
        lambda: link_referral(two, by=p.case_manager, referral=_stale(second_referral.pk)),
        organizations=[p.org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    stored = DurableSolution.objects.get(pk=solution.pk)
    assert stored.referral_id == first_referral.pk and stored.receiving_organization_id == p.other_org.pk
    assert ActivityLog.objects.filter(action="reintegration.solution.referral_linked").count() == 1


def test_a_link_waits_for_the_referrals_withdrawal(race, personas):
    p = personas
    solution = _return(p)
    referral = refer(p)
    stale = _stale(referral.pk)  # still "sent" on the caseworker's page
    first, second = race(
        lambda: referrals.withdraw_referral(_stale(referral.pk), by=p.case_manager),
        lambda: link_referral(solution_for(solution), by=p.caseworker, referral=stale),
        organizations=[p.org, p.other_org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert DurableSolution.objects.get(pk=solution.pk).referral_id is None


def test_a_link_waits_for_the_consent_withdrawal(race, personas):
    """The person withdraws the referral consent while the caseworker links the return: the link
    waits on the case's row lock, then finds no consent and is refused with the reason."""
    p = personas
    solution = _return(p)
    referral = refer(p)
    consent = Consent.objects.get(pk=referral.consent_id)
    first, second = race(
        lambda: consent_domain.withdraw_consent(consent, by=p.case_manager),
        lambda: link_referral(solution_for(solution), by=p.caseworker, referral=_stale(referral.pk)),
        organizations=[p.org, p.other_org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert "consent" in " ".join(second.error.messages)
    assert DurableSolution.objects.get(pk=solution.pk).referral_id is None
