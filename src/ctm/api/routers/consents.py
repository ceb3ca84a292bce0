"""Consent records, their withdrawal, the "may this be done now?" check, and guardians of minors."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.lookups import get_case, guardian_for, organization_for
from ctm.api.schemas.common import Date, UrlId, responses
from ctm.api.schemas.parts import ConsentCheckOut, ConsentIn, ConsentOut, GuardianIn, GuardianOut, WithdrawIn
from ctm.cases.domain.consent import add_guardian, record_consent, withdraw_consent
from ctm.cases.domain.queries.consent import may
from ctm.cases.domain.queries.parts import consents_for_case, get_consent, guardians_for_case
from ctm.cases.enums import ConsentScope

router = Router(tags=["consents"])


@router.get(
    "/{number}/consents", response=responses(200, list[ConsentOut], 404), summary="List consent records"
)
def list_consents(request: Any, number: str) -> Any:
    return list(consents_for_case(get_case(request, number)))


@router.post(
    "/{number}/consents", response=responses(201, ConsentOut, 403, 404, 422), summary="Record a consent"
)
def create_consent(request: Any, number: str, body: ConsentIn) -> Any:
    case = get_case(request, number)
    data = body.model_dump()
    data["referral_organization"] = organization_for("referral_organization", body.referral_organization)
    data["guardian"] = guardian_for(case, body.guardian)
    return Status(201, record_consent(case, by=membership_of(request), data=data))


@router.get(
    "/{number}/consents/check",
    response=responses(200, ConsentCheckOut, 404, 422),
    summary="May this be done now?",
)
def check_consent(
    request: Any,
    number: str,
    scope: ConsentScope,
    organization: UrlId | None = None,
    on: Date | None = None,
) -> Any:
    """Answers `may(case, scope, organization=..., on=...)`: a consent given on or before the day and
    not withdrawn by then; a referral counts only for the organization it names; a minor's only with a
    guardian."""
    case = get_case(request, number)
    day = on or timezone.localdate()
    return {
        "scope": scope,
        "organization": organization,
        "on": day,
        "may": may(case, scope, organization=organization, on=day),
    }


@router.post(
    "/{number}/consents/{consent_id}/withdraw",
    response=responses(200, ConsentOut, 403, 404, 422),
    summary="Withdraw a consent",
)
def withdraw(request: Any, number: str, consent_id: UrlId, body: WithdrawIn) -> Any:
    case = get_case(request, number)
    consent = get_consent(case, consent_id)
    return withdraw_consent(
        consent, by=membership_of(request), on=body.withdrawn_on, withdrawn_by=body.withdrawn_by
    )


@router.get(
    "/{number}/guardians", response=responses(200, list[GuardianOut], 404), summary="List guardians (logged)"
)
def list_guardians(request: Any, number: str) -> Any:
    case = get_case(request, number)
    return guardians_for_case(membership_of(request), case, purpose="api")


@router.post(
    "/{number}/guardians", response=responses(201, GuardianOut, 403, 404, 422), summary="Record a guardian"
)
def create_guardian(request: Any, number: str, body: GuardianIn) -> Any:
    case = get_case(request, number)
    return Status(201, add_guardian(case, by=membership_of(request), data=body.model_dump()))
