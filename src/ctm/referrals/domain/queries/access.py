"""The one door to a referral, for either side, and the rule of the receiver's access.

A referral is a row of the sending organization (the case's owner). Its sender reaches it in its
own scope; the receiving organization finds the referrals sent to it in `_received`, the one place
of this app that lifts the tenant scope (tests/core/test_tenant_scopes.py), and then reads one
referral (and the shared parts of its case) in a scope of both organizations, entered by the caller
for the rest of the request (`enter_request_scope`, as the case register does for a shared case).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import Q
from django.http import Http404

from ctm.cases.domain.queries.cases import cases_for_user
from ctm.cases.domain.queries.consent import may
from ctm.cases.enums import ConsentScope
from ctm.cases.models import Consent
from ctm.core.domain.security import record_refusal
from ctm.core.scopes import scopes_disabled
from ctm.referrals.enums import READABLE_STATES
from ctm.referrals.models import Referral
from ctm.referrals.rules import can_read_inbox, can_read_shared_parts


def consent_holds(referral: Referral) -> bool:
    """Whether the consent the referral was sent under still holds, read now (a withdrawal takes
    effect at once). An emergency override had no consent: it holds until a referral consent naming
    the organization is withdrawn."""
    case = referral.case
    if referral.consent_id is not None:
        consent = Consent.objects.filter(pk=referral.consent_id).first()
        if consent is None or consent.withdrawn_on is not None:
            return False
        return may(
            case,
            ConsentScope.REFERRAL,
            organization=referral.to_organization_id,
            contact=referral.directory_ref,
        )
    withdrawn = Consent.objects.filter(
        case=case, scope=ConsentScope.REFERRAL, withdrawn_on__isnull=False
    ).filter(
        Q(referral_organization_id=referral.to_organization_id)
        if referral.to_organization_id
        else Q(pk__in=[])
    )
    return not withdrawn.exists()


def shared_parts_readable(membership: Any, referral: Referral) -> bool:
    """The receiving organization's caseworkers and case managers read the shared parts once the
    referral is accepted, until it is closed or withdrawn, and only while the consent holds."""
    return (
        membership is not None
        and membership.organization_id == referral.to_organization_id
        and can_read_shared_parts(membership)
        and referral.state in READABLE_STATES
        and consent_holds(referral)
    )


def _received(membership: Any, **filters: Any) -> list[Referral]:
    """Referrals sent to the membership's organization (rows of the senders), with their case and
    organizations: found across organizations here and nowhere else."""
    with scopes_disabled():
        rows = Referral.objects.filter(to_organization_id=membership.organization_id, **filters).exclude(
            organization_id=membership.organization_id
        )
        return list(
            rows.select_related("organization", "case", "to_organization").order_by("-sent_at", "-id")[:500]
        )


def received_referrals(membership: Any) -> list[Referral]:
    """The inbox's "received" list: metadata only (no free text is shown there)."""
    return _received(membership) if can_read_inbox(membership) else []


def sent_referrals(membership: Any) -> list[Referral]:
    """The inbox's "sent" list: the organization's referrals of cases the membership may read."""
    if not can_read_inbox(membership):
        return []
    readable = cases_for_user(membership).filter(organization_id=membership.organization_id)
    return list(
        Referral.objects.filter(organization_id=membership.organization_id, case__in=readable.values("pk"))
        .select_related("case", "to_organization")
        .order_by("-sent_at", "-id")[:500]
    )


def get_referral_for_user(membership: Any, pk: int) -> Referral:
    """One referral, for its sender (who may read the case) or its receiver; 404 for missing and not
    yours, with a security event (in the sender's log too)."""
    if not can_read_inbox(membership):
        _refused(membership, pk)
    referral = (
        Referral.objects.filter(pk=pk, organization_id=membership.organization_id)
        .select_related("organization", "case", "to_organization")
        .first()
    )
    if referral is not None:
        if not cases_for_user(membership).filter(pk=referral.case_id).exists():
            _refused(membership, pk)
        return referral
    found = _received(membership, pk=pk)
    if not found:
        _refused(membership, pk)
    return found[0]


def _refused(membership: Any, pk: int, *, owner: Any = None) -> NoReturn:
    record_refusal("security.referral.refused", membership, pk, owner=owner)
    raise Http404("No such referral")
