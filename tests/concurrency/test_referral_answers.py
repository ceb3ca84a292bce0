"""Referral transitions from two connections at once: two answers to one referral, an acceptance
racing the withdrawal of the consent, an acceptance racing the sender's withdrawal."""

from __future__ import annotations

from ctm.cases.domain import consent as consent_domain
from ctm.cases.models import Consent
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog
from ctm.referrals.domain import answers, referrals
from ctm.referrals.models import Referral
from tests.referrals.objects import refer


def _stale(pk: int) -> Referral:
    return Referral.objects.select_related("case").get(pk=pk)


def test_two_answers_to_one_referral_end_in_one(race, personas):
    """Two case managers of the receiving organization answer at the same moment: the first accepts
    and holds its transaction open; the decline waits on the row lock, sees "accepted", is refused."""
    p = personas
    referral = refer(p)
    one, two = _stale(referral.pk), _stale(referral.pk)  # both pages loaded while it was "sent"
    first, second = race(
        lambda: answers.accept_referral(one, by=p.outsider),
        lambda: answers.decline_referral(two, by=p.outsider, reason="No places"),
        organizations=[p.org, p.other_org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.state == "accepted" and stored.decline_reason == ""
    answered = ActivityLog.objects.filter(
        action__in=["referrals.referral.accepted", "referrals.referral.declined"], organization=p.org
    )
    assert [e.action for e in answered] == ["referrals.referral.accepted"]


def test_two_acceptances_accept_once(race, personas):
    p = personas
    referral = refer(p)
    one, two = _stale(referral.pk), _stale(referral.pk)
    first, second = race(
        lambda: answers.accept_referral(one, by=p.outsider),
        lambda: answers.accept_referral(two, by=p.outsider),
        organizations=[p.org, p.other_org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert ActivityLog.objects.filter(action="referrals.referral.accepted", organization=p.org).count() == 1


def test_an_acceptance_waits_for_the_consent_withdrawal(race, personas):
    """The person withdraws the referral consent while the receiver accepts: the acceptance waits on
    the case's row lock, then finds no consent and is refused."""
    p = personas
    referral = refer(p)
    consent = Consent.objects.get(pk=referral.consent_id)
    stale = _stale(referral.pk)
    first, second = race(
        lambda: consent_domain.withdraw_consent(consent, by=p.case_manager),
        lambda: answers.accept_referral(stale, by=p.outsider),
        organizations=[p.org, p.other_org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert Referral.objects.get(pk=referral.pk).state == "sent"


def test_a_withdrawal_and_an_acceptance_end_in_one(race, personas):
    p = personas
    referral = refer(p)
    one, two = _stale(referral.pk), _stale(referral.pk)
    first, second = race(
        lambda: referrals.withdraw_referral(one, by=p.case_manager),
        lambda: answers.accept_referral(two, by=p.outsider),
        organizations=[p.org, p.other_org],
    )
    assert first.ok, first.error
    assert isinstance(second.error, InvalidTransition), second.error
    assert Referral.objects.get(pk=referral.pk).state == "withdrawn"
