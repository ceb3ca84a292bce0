"""A return's receiving organization is a referral (issue 11): link one of the case's referrals —
sent or accepted, to an organization in the destination country — or send one from the return; the
referral rules hold (a valid referral consent naming the organization), and each page names the other."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ctm.cases.domain import consent as consent_domain
from ctm.core.models import ActivityLog
from ctm.referrals.domain import answers, referrals
from ctm.referrals.models import Referral
from ctm.reintegration.domain.receiving import link_referral, refer_for_return, referral_candidates
from ctm.reintegration.domain.solutions import cancel_solution
from tests import factories as f
from tests.referrals.objects import SECRET, accepted, consent_for, refer
from tests.reintegration.objects import plan, solution_for

pytestmark = pytest.mark.django_db
NO_CONSENT = "A valid referral consent naming this organization is required"


def _return(p, **extra):
    """A return of the home case to Thailand, where the outsider's organization works."""
    return solution_for(plan(p.case, p.caseworker, destination_country="TH", **extra))


def test_an_accepted_referral_in_the_destination_country_serves_the_return(personas):
    p = personas
    solution = _return(p)
    referral = accepted(p)
    assert referral_candidates(solution) == [Referral.objects.get(pk=referral.pk)]
    link_referral(solution, by=p.caseworker, referral=referral)
    solution = solution_for(solution)
    assert solution.referral_id == referral.pk and solution.receiving_organization_id == p.other_org.pk
    entry = ActivityLog.objects.get(action="reintegration.solution.referral_linked")
    assert entry.changes["referral"] == [None, referral.pk] and SECRET not in str(entry.changes)


def test_a_referral_elsewhere_or_answered_no_does_not_serve(personas):
    p = personas
    solution = _return(p)
    romania = f.make_org("ROM", "RO", name="Romanian NGO")
    consent_for(p, romania)
    elsewhere = referrals.send_referral(
        p.case.__class__.objects.get(pk=p.case.pk),
        by=p.case_manager,
        data={"recipient_kind": "organization", "to_organization": romania, "reason": "x"},
    )
    with pytest.raises(ValidationError, match="not in the destination country"):
        link_referral(solution, by=p.caseworker, referral=elsewhere)
    declined = refer(p)
    answers.decline_referral(declined, by=p.outsider, reason="full")
    with pytest.raises(ValidationError, match="choose one sent or accepted"):
        link_referral(solution, by=p.caseworker, referral=Referral.objects.get(pk=declined.pk))
    assert referral_candidates(solution) == []
    assert solution_for(solution).referral_id is None


def test_no_consent_naming_the_organization_no_link(personas):
    """An emergency override (no consent) does not serve a return; a consent withdrawn since the
    referral was sent ends its use too — refused with the reason."""
    p = personas
    solution = _return(p)
    override = refer(p, consent=False, urgency="emergency", emergency_reason="Bleeding")
    with pytest.raises(ValidationError, match=NO_CONSENT):
        link_referral(solution, by=p.caseworker, referral=override)
    referrals.withdraw_referral(override, by=p.case_manager)
    referral = refer(p)
    consent_domain.withdraw_consent(referral.consent, by=p.case_manager)
    with pytest.raises(ValidationError, match=NO_CONSENT):
        link_referral(solution, by=p.caseworker, referral=Referral.objects.get(pk=referral.pk))
    assert solution_for(solution).referral_id is None


def test_one_open_referral_per_return_and_none_once_cancelled(personas):
    p = personas
    solution = _return(p)
    first = refer(p)
    link_referral(solution, by=p.caseworker, referral=first)
    third = f.make_org("THR", "TH", name="Second Thai NGO")
    consent_for(p, third)
    second = referrals.send_referral(
        p.case.__class__.objects.get(pk=p.case.pk),
        by=p.case_manager,
        data={"recipient_kind": "organization", "to_organization": third, "reason": "x"},
    )
    with pytest.raises(ValidationError, match="already has an open referral"):
        link_referral(solution_for(solution), by=p.caseworker, referral=second)
    referrals.withdraw_referral(Referral.objects.get(pk=first.pk), by=p.case_manager)
    link_referral(solution_for(solution), by=p.caseworker, referral=second)  # the first one is over
    assert solution_for(solution).receiving_organization_id == third.pk
    cancel_solution(solution_for(solution), by=p.caseworker, reason="Changed her mind")
    with pytest.raises(ValidationError, match="no longer changes"):
        link_referral(solution_for(solution), by=p.caseworker, referral=Referral.objects.get(pk=second.pk))


def test_the_auditor_and_strangers_cannot_link(personas):
    from django.core.exceptions import PermissionDenied

    p = personas
    solution = _return(p)
    referral = refer(p)
    for who in (p.auditor, p.outsider):
        with pytest.raises((PermissionDenied, ValidationError)):
            link_referral(solution_for(solution), by=who, referral=referral)
    assert solution_for(solution).referral_id is None


def _form(p, **extra):
    return {
        "recipient_kind": "organization",
        "to_organization": p.other_org,
        "reason": "Reception at the airport and a shelter place",
        "services": ["accommodation"],
        "parts": ["identity"],
        **extra,
    }


def test_refer_from_the_return_needs_a_consent_and_sends_nothing_without(personas):
    p = personas
    solution = _return(p, receiving_organization=p.other_org)
    with pytest.raises(ValidationError, match=NO_CONSENT):
        refer_for_return(
            solution, by=p.case_manager, data=_form(p, urgency="emergency", emergency_reason="now")
        )
    assert not Referral.objects.exists()
    with pytest.raises(ValidationError):
        refer_for_return(
            solution, by=p.caseworker, data=_form(p, recipient_kind="other", outside_name="Someone")
        )
    consent_for(p)
    referral = refer_for_return(solution_for(solution), by=p.caseworker, data=_form(p, kind="transfer"))
    assert referral.kind == "referral" and referral.state == "sent"  # never a transfer from here
    assert solution_for(solution).referral_id == referral.pk


def test_the_pages_show_the_link_both_ways(client, personas):
    p = personas
    solution = _return(p, receiving_organization=p.other_org)
    client.force_login(p.caseworker.user)
    new = reverse("reintegration:refer_for_return", args=[p.case.number, solution.pk])
    page = client.get(new).content.decode()
    assert f'value="{p.other_org.pk}" selected' in page  # the recipient prefilled
    response = client.post(
        new,
        {
            "recipient_kind": "organization",
            "to_organization": p.other_org.pk,
            "reason": "x",
            "urgency": "routine",
        },
    )
    assert response.status_code == 400 and NO_CONSENT in response.content.decode()
    consent_for(p)
    response = client.post(
        new,
        {
            "recipient_kind": "organization",
            "to_organization": p.other_org.pk,
            "reason": "x",
            "urgency": "routine",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    page = client.get(reverse("reintegration:case", args=[p.case.number])).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in page and "Outsider NGO" in page
    detail = reverse("referrals:detail", args=[referral.pk])
    page = client.get(detail).content.decode()
    assert "Voluntary return to TH" in page or "to TH" in page
    assert reverse("reintegration:case", args=[p.case.number]) + "#return" in page
    client.force_login(p.outsider.user)  # the receiver reads the line, without the sender's link
    page = client.get(detail).content.decode()
    assert "to TH" in page and reverse("reintegration:case", args=[p.case.number]) not in page


def test_the_link_form_offers_the_candidates_only(client, personas):
    p = personas
    solution = _return(p)
    referral = refer(p)
    client.force_login(p.caseworker.user)
    url = reverse("reintegration:link_referral", args=[p.case.number, solution.pk])
    assert "Outsider NGO · TH · Sent" in client.get(url).content.decode()
    assert client.post(url, {"referral": referral.pk + 100}).status_code == 400
    assert client.post(url, {"referral": referral.pk}).status_code == 302
    assert solution_for(solution).referral_id == referral.pk


def test_the_api_links_and_refers(client, personas):
    p = personas
    solution = _return(p)
    referral = refer(p)
    token = _token(p.caseworker)
    base = f"/api/v1/cases/{p.case.number}/returns/{solution.pk}"
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post(
        base + "/referral", {"referral": referral.pk}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["referral"]["id"] == referral.pk and body["referral"]["state"] == "sent"
    assert SECRET not in response.content.decode()
    response = client.post(
        base + "/referral", {"referral": 999999}, content_type="application/json", headers=headers
    )
    assert response.status_code == 422


def _token(membership):
    from ctm.accounts.domain.auth import create_api_token

    return create_api_token(membership, name="test", by=membership.user)[1]
