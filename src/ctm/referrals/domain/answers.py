"""The receiving organization's writes: accept, decline, record the services delivered, close with
feedback to the sender. Each re-reads the referral under a row lock and checks its state there, so
two answers at the same moment end in one of them (tests/concurrency/test_referral_answers.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.enums import ReferralNews, SupportType
from ctm.cases.domain.cases import open_case
from ctm.cases.domain.common import lock
from ctm.cases.domain.persons import PERSON_FIELDS
from ctm.cases.domain.queries.cases import view_person
from ctm.cases.enums import CaseStatus, ClosureReason
from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership
from ctm.referrals.domain.common import (
    MASK,
    log_referral,
    notify_sender,
    require_receiver,
    require_state,
    settle_answer_task,
    text,
)
from ctm.referrals.domain.queries.access import consent_holds
from ctm.referrals.enums import ReferralKind, ReferralState
from ctm.referrals.models import Referral
from ctm.referrals.phrases import NO_CONSENT
from ctm.referrals.rules import can_answer, can_read_shared_parts


def _require_answerer(by: Membership, referral: Referral) -> None:
    require_receiver(by, referral)
    if not can_answer(by):
        raise NotAllowed(_("Only a case manager of the receiving organization may do this."))


def accept_referral(referral: Referral, *, by: Membership) -> Referral:
    """Accept: the receiving organization reads the shared parts from now on, while the consent holds.
    A transfer also opens the case in the receiving organization (the person's identity copied, a
    logged read) and closes the sender's as "closed, referred"; the sender keeps reading what it
    recorded in its own, closed case."""
    _require_answerer(by, referral)
    with transaction.atomic():
        lock(referral.case)  # the order of a consent withdrawal: the case, then the rest
        lock(referral)
        require_state(referral, {ReferralState.SENT}, _("accepted"))
        if not consent_holds(referral):
            raise InvalidTransition(str(NO_CONSENT))
        referral.state = ReferralState.ACCEPTED
        referral.answered_by = by.user
        referral.answered_at = timezone.now()
        fields = ["state", "answered_by", "answered_at", "updated_at"]
        changes: dict[str, Any] = {"state": [ReferralState.SENT, ReferralState.ACCEPTED]}
        if referral.kind == ReferralKind.TRANSFER:
            referral.received_case = _take_over(referral, by)
            fields.append("received_case")
            changes["received_case"] = referral.received_case.number
        referral.save(update_fields=fields)
        settle_answer_task(referral, by)
        notify_sender(referral, ReferralNews.ACCEPTED)
        log_referral("referrals.referral.accepted", by, referral, changes)
    return referral


def _take_over(referral: Referral, by: Membership) -> Any:
    case = referral.case
    person = view_person(by, case, purpose="transfer")  # logged in the owner's log, naming the reader
    person_data = {name: getattr(person, name) for name in PERSON_FIELDS}
    new_case = open_case(by=by, person_data=person_data, case_data={"identified_on": case.identified_on})
    old = case.status
    case.status = CaseStatus.CLOSED_REFERRED
    case.closure_reason = ClosureReason.REFERRED
    case.closed_on = timezone.localdate()
    case.save(update_fields=["status", "closure_reason", "closed_on", "updated_at"])
    record(
        "cases.case.closed",
        actor=by.user,
        organization=case.organization,
        obj=case,
        label=case.number,
        changes={"status": [old, case.status], "reason": [None, "transferred"], "referral": referral.pk},
    )
    return new_case


def transferred_away(case: Any) -> str:
    """Why the sender's copy of a transferred case is not reopened: the receiving organization is
    responsible for the person now (the sender keeps reading what it recorded). Declared to the
    register's `reopen_case` at the app's ready()."""
    transfer = (
        Referral.objects.filter(case=case, kind=ReferralKind.TRANSFER, received_case__isnull=False)
        .select_related("to_organization")
        .first()
    )
    if transfer is None:
        return ""
    return _(
        "This case was transferred to %(organization)s, which is responsible for it now: "
        "ask them to transfer it back."
    ) % {"organization": transfer.to_organization.name}


def decline_referral(referral: Referral, *, by: Membership, reason: str) -> Referral:
    _require_answerer(by, referral)
    reason = text(reason, "reason")
    with transaction.atomic():
        lock(referral)
        require_state(referral, {ReferralState.SENT}, _("declined"))
        referral.state = ReferralState.DECLINED
        referral.answered_by = by.user
        referral.answered_at = timezone.now()
        referral.decline_reason = reason
        referral.save(update_fields=["state", "answered_by", "answered_at", "decline_reason", "updated_at"])
        settle_answer_task(referral, by)
        notify_sender(referral, ReferralNews.DECLINED)
        changes = {"state": [ReferralState.SENT, ReferralState.DECLINED], "reason": [None, MASK]}
        log_referral("referrals.referral.declined", by, referral, changes)
    return referral


def record_delivery(referral: Referral, *, by: Membership, services: list[str]) -> Referral:
    """The services the receiving organization delivered (among those requested, or others)."""
    require_receiver(by, referral)
    if not can_read_shared_parts(by):
        raise NotAllowed(_("Only caseworkers and case managers of the receiving organization may do this."))
    unknown = [s for s in services if s not in SupportType.values]
    if not services or unknown:
        raise InvalidTransition({"services": _("Choose the services delivered.")})
    with transaction.atomic():
        lock(referral)
        require_state(referral, {ReferralState.ACCEPTED}, _("marked delivered"))
        if not consent_holds(referral):  # the person withdrew it: the work on their record stops
            raise InvalidTransition(str(NO_CONSENT))
        referral.state = ReferralState.DELIVERED
        referral.delivered_services = "|" + "|".join(dict.fromkeys(services)) + "|"
        referral.delivered_at = timezone.now()
        referral.save(update_fields=["state", "delivered_services", "delivered_at", "updated_at"])
        notify_sender(referral, ReferralNews.DELIVERED)
        changes = {
            "state": [ReferralState.ACCEPTED, ReferralState.DELIVERED],
            "services": referral.delivered_list,
        }
        log_referral("referrals.referral.delivered", by, referral, changes)
    return referral


def close_referral(referral: Referral, *, by: Membership, feedback: str) -> Referral:
    """Close with feedback to the sender; the receiver's access to the shared parts ends."""
    _require_answerer(by, referral)
    feedback = text(feedback, "feedback")
    with transaction.atomic():
        lock(referral)
        require_state(referral, {ReferralState.ACCEPTED, ReferralState.DELIVERED}, _("closed"))
        old = referral.state
        referral.state = ReferralState.CLOSED
        referral.feedback = feedback
        referral.closed_by = by.user
        referral.closed_at = timezone.now()
        referral.save(update_fields=["state", "feedback", "closed_by", "closed_at", "updated_at"])
        notify_sender(referral, ReferralNews.CLOSED)
        log_referral(
            "referrals.referral.closed",
            by,
            referral,
            {"state": [old, referral.state], "feedback": [None, MASK]},
        )
    return referral
