"""Referrals for tests, made through the domain functions: home (CHI) refers its case to the
outsider organization (OUT), with a referral consent naming it and a secret that could leak."""

from __future__ import annotations

import datetime
from typing import Any

from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import screening as screening_domain
from ctm.cases.models import Case
from ctm.referrals.domain import answers, referrals

TODAY = datetime.date.today()
SECRET = "She sleeps at the bus station in Chișinău"
PLACE = "Flat 4, Strada Mare 12"


def fresh(case: Any) -> Case:
    return Case.objects.get(pk=case.pk)


def consent_for(p: Any, organization: Any = None, *, case: Any = None, contact: str = "") -> Any:
    data: dict[str, Any] = {"scope": "referral", "given_on": TODAY, "given_by": "person"}
    if contact:
        data["referral_contact"] = contact
    else:
        data["referral_organization"] = organization or p.other_org
    return consent_domain.record_consent(fresh(case or p.case), by=p.case_manager, data=data)


def refer(
    p: Any, *, parts: tuple[str, ...] = ("identity", "events"), consent: bool = True, **extra: Any
) -> Any:
    if consent:
        consent_for(p)
    screening_domain.add_event(
        fresh(p.case), by=p.caseworker, data={"event_type": "Exploitation", "country": "MD", "place": PLACE}
    )
    data = {
        "recipient_kind": "organization",
        "to_organization": p.other_org,
        "reason": SECRET,
        "services": ["accommodation", "medical"],
        "parts": list(parts),
        "urgency": "urgent",
        **extra,
    }
    return referrals.send_referral(fresh(p.case), by=p.case_manager, data=data)


def accepted(p: Any, **kwargs: Any) -> Any:
    return answers.accept_referral(refer(p, **kwargs), by=p.outsider)


def referral_objects(p: Any) -> dict[str, Any]:
    """Two referrals from home to the outsider's organization: one sent (the home case), one accepted
    (a second case of the caseworker)."""
    from tests import factories as f

    sent = refer(p)
    second = f.make_case(p.caseworker, given="Vasile", family="Lungu")
    consent_for(p, case=second)
    data = {
        "recipient_kind": "organization",
        "to_organization": p.other_org,
        "reason": SECRET,
        "services": ["legal"],
        "parts": ["identity"],
    }
    accepted_referral = referrals.send_referral(fresh(second), by=p.case_manager, data=data)
    answers.accept_referral(accepted_referral, by=p.outsider)
    return {"referral": sent.pk, "accepted_referral": accepted_referral.pk}
