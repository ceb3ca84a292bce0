"""The sending organization's writes: send a referral (or a transfer), withdraw it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.enums import SupportType
from ctm.cases.domain.common import lock, require_manager, require_write
from ctm.cases.domain.queries.consent import active_consents
from ctm.cases.enums import ConsentScope
from ctm.cases.models import Case, Consent
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership, Organization
from ctm.core.rules import can_manage_cases
from ctm.directory.domain.queries import get_entry_for_user, snapshot
from ctm.referrals.domain.common import (
    MASK,
    answer_days,
    log_referral,
    raise_answer_task,
    require_sender,
    require_state,
    settle_answer_task,
    text,
)
from ctm.referrals.enums import (
    ALL_PARTS,
    OPEN_STATES,
    RecipientKind,
    RecordPart,
    ReferralKind,
    ReferralState,
    Urgency,
)
from ctm.referrals.models import Referral
from ctm.referrals.phrases import NO_CONSENT, OVERRIDE_EMERGENCY, OVERRIDE_MANAGERS


def _packed(values: list[str], allowed: set[str], field: str) -> str:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidTransition({field: _("Unknown choice: %(value)s") % {"value": unknown[0]}})
    return "|" + "|".join(dict.fromkeys(values)) + "|" if values else ""


def _consent_for(case: Case, recipient: dict[str, Any]) -> Consent | None:
    """The newest valid referral consent that names the recipient (a minor's: given with a guardian)."""
    consents = active_consents(case, ConsentScope.REFERRAL)
    if recipient.get("organization") is not None:
        consents = [c for c in consents if c.referral_organization_id == recipient["organization"].pk]
    elif recipient.get("directory_ref"):
        consents = [
            c
            for c in consents
            if c.referral_contact == recipient["directory_ref"] and not c.referral_organization_id
        ]
    else:
        consents = []  # free text names no organization a consent could name
    if case.is_minor:
        consents = [c for c in consents if c.given_by == "guardian"]
    return consents[0] if consents else None


def _recipient(by: Membership, case: Case, data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("recipient_kind")
    if kind == RecipientKind.ORGANIZATION:
        org = data.get("to_organization")
        if not isinstance(org, Organization) or org.pk == case.organization_id:
            raise InvalidTransition({"to_organization": _("Choose another organization in CTM.")})
        return {"organization": org}
    if kind == RecipientKind.DIRECTORY:
        try:
            entry = get_entry_for_user(by, data.get("directory_ref") or "")
        except Http404:
            raise InvalidTransition({"directory_ref": _("No such directory entry.")}) from None
        return {"directory_ref": entry.ref, "contact": snapshot(entry)}
    if kind == RecipientKind.OTHER:
        return {"outside_name": text(data.get("outside_name", ""), "outside_name", limit=200)}
    raise InvalidTransition({"recipient_kind": _("Choose who receives the referral.")})


def send_referral(case: Case, *, by: Membership, data: dict[str, Any]) -> Referral:
    """Refer the case (or, kind=transfer, hand the whole case over) to another organization.

    Refused unless a valid referral consent names the recipient; a case manager may override that
    for a life-threatening emergency with a reason (logged, masked: the owning organization's auditor
    sees the override). A recipient in CTM gets an "answer due" task and a notification."""
    require_write(by, case)
    kind = data.get("kind") or ReferralKind.REFERRAL
    if kind not in ReferralKind.values:
        raise InvalidTransition({"kind": _("Unknown choice: %(value)s") % {"value": kind}})
    if kind == ReferralKind.TRANSFER:
        require_manager(by, case)
    recipient = _recipient(by, case, data)
    urgency = data.get("urgency") or Urgency.ROUTINE
    if urgency not in Urgency.values:
        raise InvalidTransition({"urgency": _("Unknown choice: %(value)s") % {"value": urgency}})
    parts = list(ALL_PARTS) if kind == ReferralKind.TRANSFER else list(data.get("parts") or [])
    fields = {
        "reason": text(data.get("reason", ""), "reason"),
        "services": _packed(list(data.get("services") or []), set(SupportType.values), "services"),
        "parts": _packed(parts, set(RecordPart.values), "parts"),
    }
    if kind == ReferralKind.TRANSFER and "organization" not in recipient:
        raise InvalidTransition(
            {"recipient_kind": _("A case is transferred to an organization in CTM only.")}
        )
    override = text(data.get("emergency_reason", ""), "emergency_reason", required=False)
    with transaction.atomic():
        lock(case)  # a consent withdrawal locks the case too: it sees the referral, or the referral sees it
        if case.is_closed:
            raise InvalidTransition(_("Reopen the case first."))
        consent = _consent_for(case, recipient)
        if consent is None and not override:
            raise InvalidTransition(str(NO_CONSENT))
        if consent is None:
            if not can_manage_cases(by):
                raise NotAllowed(str(OVERRIDE_MANAGERS))
            if urgency != Urgency.EMERGENCY:
                raise InvalidTransition({"urgency": OVERRIDE_EMERGENCY})
        now = timezone.now()
        org = recipient.get("organization")
        days = answer_days(org.pk) if org else 0
        referral = Referral(
            organization_id=case.organization_id,
            case=case,
            kind=kind,
            recipient_kind=data["recipient_kind"],
            to_organization=org,
            directory_ref=recipient.get("directory_ref", ""),
            contact=recipient.get("contact", {}),
            outside_name=recipient.get("outside_name", ""),
            urgency=urgency,
            consent=consent,
            emergency_reason=override if consent is None else "",
            sent_by=by.user,
            sent_at=now,
            answer_due_on=timezone.localdate() + datetime.timedelta(days=days or 7),
            **fields,
        )
        try:
            with transaction.atomic():
                referral.save()
        except IntegrityError:
            raise InvalidTransition(
                _("This case already has an open referral to that organization.")
            ) from None
        if org is not None:
            referral.task = raise_answer_task(referral, referral.answer_due_on)
            referral.save(update_fields=["task"])
        changes: dict[str, Any] = {
            "kind": kind,
            "state": [None, referral.state],
            "to": org.code if org else (referral.directory_ref or MASK),
            "parts": referral.part_list,
            "services": referral.service_list,
            "urgency": urgency,
        }
        if consent is None:
            changes["consent_override"] = MASK  # the reason is kept encrypted on the referral
        log_referral("referrals.referral.sent", by, referral, changes)
    return referral


def withdraw_referral(referral: Referral, *, by: Membership) -> Referral:
    """The sender takes the referral back while it is open: the receiver's access ends."""
    require_sender(by, referral)
    require_write(by, referral.case)
    with transaction.atomic():
        lock(referral)
        require_state(referral, OPEN_STATES, _("withdrawn"))
        old = referral.state
        referral.state = ReferralState.WITHDRAWN
        referral.withdrawn_by = by.user
        referral.withdrawn_at = timezone.now()
        referral.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "updated_at"])
        settle_answer_task(referral, by)
        log_referral("referrals.referral.withdrawn", by, referral, {"state": [old, referral.state]})
    return referral
