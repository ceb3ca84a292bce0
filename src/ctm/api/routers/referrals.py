"""Referrals and transfers between organizations: the same doors and domain functions as the pages.
The detail and the shared record log their reads in the owning organization's log."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.errors import invalid
from ctm.api.lookups import get_case, organization_for
from ctm.api.schemas.common import UrlId, responses
from ctm.api.schemas.referrals import (
    ReferralCloseIn,
    ReferralDeclineIn,
    ReferralDeliveryIn,
    ReferralDetailOut,
    ReferralIn,
    ReferralOut,
    ReferralSettingsIn,
    ReferralSettingsOut,
    SharedRecordOut,
)
from ctm.core.errors import NotAllowed
from ctm.core.scopes import enter_request_scope
from ctm.referrals.domain import answers, referrals
from ctm.referrals.domain import settings as settings_domain
from ctm.referrals.domain.common import answer_days
from ctm.referrals.domain.queries.access import get_referral_for_user
from ctm.referrals.domain.queries.inbox import inbox, is_overdue
from ctm.referrals.domain.queries.shared import referral_texts, shared_record
from ctm.referrals.models import Referral
from ctm.referrals.rules import can_change_settings, can_read_inbox

router = Router(tags=["referrals"])
case_router = Router(tags=["referrals"])


def _member(request: Any) -> Any:
    membership = membership_of(request)
    if not can_read_inbox(membership):
        raise NotAllowed("Your role does not give access to referrals.")
    return membership


def _load(request: Any, referral_id: int) -> tuple[Any, Referral]:
    membership = _member(request)
    referral = get_referral_for_user(membership, referral_id)
    if referral.organization_id != membership.organization_id:  # the receiver reads the sender's rows
        enter_request_scope(request, membership.organization_id, referral.organization_id)
    referral.overdue = is_overdue(referral)  # type: ignore[attr-defined]
    referral.viewer_organization_id = membership.organization_id  # type: ignore[attr-defined]
    return membership, referral


@router.get(
    "/referrals", response=responses(200, list[ReferralOut], 403), summary="The inbox: received or sent"
)
def list_referrals(request: Any, box: Literal["received", "sent"] = "received", overdue: bool = False) -> Any:
    membership = _member(request)
    rows = inbox(membership, box=box, overdue_only=overdue)
    for row in rows:
        row.viewer_organization_id = membership.organization_id  # type: ignore[attr-defined]
    return rows


@router.get(
    "/referrals/{referral_id}",
    response=responses(200, ReferralDetailOut, 403, 404),
    summary="A referral with its free text (logged)",
)
def get_referral(request: Any, referral_id: UrlId) -> Any:
    membership, referral = _load(request, referral_id)
    texts = referral_texts(membership, referral)
    if referral.organization_id != membership.organization_id:
        texts["emergency_reason"] = ""
    for name, value in texts.items():
        setattr(referral, name, value)
    return referral


@router.get(
    "/referrals/{referral_id}/record",
    response=responses(200, SharedRecordOut, 403, 404),
    summary="The shared parts of the record (receiving organization, after accepting; logged)",
)
def get_shared_record(request: Any, referral_id: UrlId) -> Any:
    membership, referral = _load(request, referral_id)
    record = shared_record(membership, referral)
    if record is None:
        raise NotAllowed("The shared record is not available to you now.")
    if "documents" in record:
        record["documents"] = [
            {
                "kind": d.kind,
                "number": d.number,
                "issuing_country": d.issuing_country,
                "expiry_date": d.expiry_date,
            }
            for d in record["documents"]
        ]
    return record


@router.post(
    "/referrals/{referral_id}/accept", response=responses(200, ReferralOut, 403, 404, 422), summary="Accept"
)
def accept(request: Any, referral_id: UrlId) -> Any:
    membership, referral = _load(request, referral_id)
    return answers.accept_referral(referral, by=membership)


@router.post(
    "/referrals/{referral_id}/decline",
    response=responses(200, ReferralOut, 403, 404, 422),
    summary="Decline, with a reason",
)
def decline(request: Any, referral_id: UrlId, body: ReferralDeclineIn) -> Any:
    membership, referral = _load(request, referral_id)
    return answers.decline_referral(referral, by=membership, reason=body.reason)


@router.post(
    "/referrals/{referral_id}/delivered",
    response=responses(200, ReferralOut, 403, 404, 422),
    summary="Record the services delivered",
)
def delivered(request: Any, referral_id: UrlId, body: ReferralDeliveryIn) -> Any:
    membership, referral = _load(request, referral_id)
    return answers.record_delivery(referral, by=membership, services=list(body.services))


@router.post(
    "/referrals/{referral_id}/close",
    response=responses(200, ReferralOut, 403, 404, 422),
    summary="Close with feedback to the sender",
)
def close(request: Any, referral_id: UrlId, body: ReferralCloseIn) -> Any:
    membership, referral = _load(request, referral_id)
    return answers.close_referral(referral, by=membership, feedback=body.feedback)


@router.post(
    "/referrals/{referral_id}/withdraw",
    response=responses(200, ReferralOut, 403, 404, 422),
    summary="Withdraw (the sender)",
)
def withdraw(request: Any, referral_id: UrlId) -> Any:
    membership, referral = _load(request, referral_id)
    return referrals.withdraw_referral(referral, by=membership)


@router.get(
    "/referral-settings",
    response=responses(200, ReferralSettingsOut, 403),
    summary="Days to answer a referral",
)
def get_settings(request: Any) -> Any:
    membership = membership_of(request)
    if not can_change_settings(membership) and not can_read_inbox(membership):
        raise NotAllowed("Your role does not give access to referrals.")
    return {"answer_days": answer_days(membership.organization_id)}


@router.put(
    "/referral-settings",
    response=responses(200, ReferralSettingsOut, 403, 422),
    summary="Change the days to answer",
)
def put_settings(request: Any, body: ReferralSettingsIn) -> Any:
    row = settings_domain.set_answer_days(by=membership_of(request), days=body.answer_days)
    return {"answer_days": row.answer_days}


@case_router.post(
    "/{number}/referrals",
    response=responses(201, ReferralOut, 403, 404, 422),
    summary="Refer (or transfer) the case to another organization",
)
def create_referral(request: Any, number: str, body: ReferralIn) -> Any:
    membership = membership_of(request)
    case = get_case(request, number)
    data = body.model_dump()
    data["to_organization"] = organization_for("to_organization", body.to_organization)
    data["outside_name"] = body.outside_name or ""
    try:
        referral = referrals.send_referral(case, by=membership, data=data)
    except Http404:
        raise invalid("directory_ref", _("No such directory entry.")) from None
    referral.viewer_organization_id = membership.organization_id  # type: ignore[attr-defined]
    return Status(201, referral)
