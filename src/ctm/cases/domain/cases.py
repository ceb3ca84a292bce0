"""Writes on cases: open, update, assign, move through stages, close, reopen, share."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.cases.domain.common import (
    apply,
    bump_version,
    lock,
    log_case,
    log_change,
    move_stage,
    require_manager,
    require_write,
    snapshot,
)
from ctm.cases.domain.persons import build_person, refresh_indexes, sync_minor_flag
from ctm.cases.domain.queries.cases import forget_write_checks
from ctm.cases.domain.queries.consent import may
from ctm.cases.domain.queries.requirements import StageConditionsMissing, missing_for_stage
from ctm.cases.enums import CLOSED_STATUSES, CaseStatus, ClosureReason, ConsentScope, Stage
from ctm.cases.models import Case, CaseAssignment, CaseSequence, CaseShare, Consent
from ctm.cases.rules import can_manage_cases, can_write_cases
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership

CASE_FIELDS = ["office", "identified_on", "high_risk", "sensitive"]


def next_case_number(organization: Any, office: Any, year: int) -> str:
    """The next number of the organization's year, in the caller's transaction. The year's counter is
    created if missing (a concurrent creation is ignored, never an error), then locked: registrations
    at the same moment wait for each other and get consecutive numbers."""
    CaseSequence.objects.bulk_create(
        [CaseSequence(organization=organization, year=year)], ignore_conflicts=True
    )
    seq = CaseSequence.objects.select_for_update().get(organization=organization, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    country = (office.country if office else organization.country).upper()
    return f"{country}-{organization.code}-{year}-{seq.last:05d}"


def open_case(
    *, by: Membership, person_data: dict[str, Any], case_data: dict[str, Any] | None = None
) -> Case:
    """Register a person and open their case in the actor's organization, owned by the actor."""
    if not can_write_cases(by):
        raise NotAllowed(_("You may not open cases."))
    case_data = dict(case_data or {})
    org = by.organization
    office = case_data.pop("office", None) or by.office
    if office is not None and office.organization_id != org.pk:
        raise NotAllowed(_("That office belongs to another organization."))
    opened_on = case_data.pop("opened_on", None) or timezone.localdate()
    with transaction.atomic():
        person = build_person(org, by, person_data)
        person.save()
        refresh_indexes(person)
        person.save(update_fields=["name_birth_index"])
        case = Case(
            organization=org,
            person=person,
            office=office,
            owner=by.user,
            opened_on=opened_on,
            stage_since=opened_on,
            number=next_case_number(org, office, opened_on.year),
            **{k: v for k, v in case_data.items() if k in CASE_FIELDS},
        )
        case.save()
        sync_minor_flag(case, person)
        log_case("cases.case.opened", by, case, {"stage": [None, case.stage], "status": [None, case.status]})
    return case


def update_case(case: Case, *, by: Membership, data: dict[str, Any], version: int | None = None) -> Case:
    require_write(by, case)
    if (
        "office" in data
        and data["office"] is not None
        and data["office"].organization_id != case.organization_id
    ):
        raise NotAllowed(_("That office belongs to another organization."))
    with transaction.atomic():
        old = snapshot(case, CASE_FIELDS)
        changed = apply(case, {k: v for k, v in data.items() if k in CASE_FIELDS})
        bump_version(case, version, changed=bool(changed))
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
            forget_write_checks()  # the office may have changed
            log_change("cases.case.updated", by, case, _ids(old), _ids(snapshot(case, CASE_FIELDS)))
    return case


def _ids(values: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "pk", v) for k, v in values.items()}


def assign_case(case: Case, *, by: Membership, owner: Any = None, assignees: list[Any] | None = None) -> Case:
    """Change the owner and/or the assigned caseworkers (case managers only; same organization only)."""
    require_manager(by, case)
    org_users = set(
        Membership.objects.filter(
            organization=case.organization, is_active=True, role__in=[Role.CASEWORKER, Role.CASE_MANAGER]
        ).values_list("user_id", flat=True)
    )
    people = ([owner] if owner else []) + list(assignees or [])
    if any(u.pk not in org_users for u in people):
        raise NotAllowed(_("Cases can only be assigned to caseworkers of the case's organization."))
    with transaction.atomic():
        lock(case)
        changes: dict[str, Any] = {}
        if owner and owner.pk != case.owner_id:
            changes["owner"] = [case.owner_id, owner.pk]
            case.owner = owner
            case.save(update_fields=["owner", "updated_at"])
        if assignees is not None:
            before = set(case.assignments.values_list("user_id", flat=True))
            after = {u.pk for u in assignees}
            CaseAssignment.objects.filter(case=case, user_id__in=before - after).delete()
            CaseAssignment.objects.bulk_create(
                CaseAssignment(organization=case.organization, case=case, user_id=uid)
                for uid in after - before
            )
            if before != after:
                changes["assignees"] = [sorted(before), sorted(after)]
        if changes:
            forget_write_checks()
            log_case("cases.case.assigned", by, case, changes)
    return case


def change_stage(case: Case, *, by: Membership, stage: str) -> Case:
    """Move an open case to another stage; refused (`StageConditionsMissing`, one message per
    condition) while a condition of the new stage is missing (`queries.requirements`)."""
    require_write(by, case)
    if stage == Stage.CLOSED or stage not in Stage.values:
        raise InvalidTransition(_("Use 'close the case' to close it."))
    with transaction.atomic():
        lock(case)
        if case.is_closed:
            raise InvalidTransition(_("Reopen the case before changing its stage."))
        if stage != case.stage and (missing := missing_for_stage(case, stage)):
            raise StageConditionsMissing(missing)
        old = case.stage
        fields = move_stage(case, stage)
        case.status = CaseStatus.FOLLOW_UP if stage == Stage.MONITORING else CaseStatus.ACTIVE
        case.save(update_fields=[*fields, "status", "updated_at"])
        log_case("cases.case.stage_changed", by, case, {"stage": [old, stage]})
    return case


def close_case(
    case: Case, *, by: Membership, reason: str, note: str | None = "", on: datetime.date | None = None
) -> Case:
    """Close the case. A minor's case is only closed by a case manager: a caseworker's request waits.
    `note=None` keeps the note already recorded (an approved request's), unread."""
    require_write(by, case)
    if reason not in ClosureReason.values:
        raise InvalidTransition(_("Choose a closure reason."))
    with transaction.atomic():
        lock(case)
        if case.is_closed:
            raise InvalidTransition(_("The case is already closed."))
        if on is not None and case.opened_on and on < case.opened_on:
            raise InvalidTransition({"closed_on": _("A case cannot be closed before the day it was opened.")})
        if case.is_minor and not can_manage_cases(by):
            return _request_closure(case, by=by, reason=reason, note=note or "")
        old = {"status": case.status, "stage": case.stage}
        case.status = CaseStatus.CLOSED_REFERRED if reason == ClosureReason.REFERRED else CaseStatus.CLOSED
        case.closure_reason = reason
        if note is not None:
            case.closure_note = note
        case.closed_on = on or timezone.localdate()
        case.closure_requested_by = None
        moved = move_stage(case, Stage.CLOSED, on=case.closed_on)
        case.save(
            update_fields=[
                *moved,
                "status",
                "closure_reason",
                "closure_note",
                "closed_on",
                "closure_requested_by",
                "updated_at",
            ]
        )
        log_case(
            "cases.case.closed",
            by,
            case,
            {
                "status": [old["status"], case.status],
                "stage": [old["stage"], case.stage],
                "closure_reason": [None, reason],
            },
        )
    return case


def _request_closure(case: Case, *, by: Membership, reason: str, note: str) -> Case:
    """In close_case's transaction, the case locked and still open."""
    case.closure_requested_by = by.user
    case.closure_reason = reason
    case.closure_note = note
    case.save(update_fields=["closure_requested_by", "closure_reason", "closure_note", "updated_at"])
    log_case("cases.case.closure_requested", by, case, {"closure_reason": [None, reason]})
    return case


def reject_closure(case: Case, *, by: Membership) -> Case:
    require_manager(by, case)
    with transaction.atomic():
        lock(case)
        if case.closure_requested_by_id is None or case.is_closed:
            raise InvalidTransition(_("No closure is waiting for approval."))
        case.closure_requested_by = None
        case.closure_reason = ""
        case.save(update_fields=["closure_requested_by", "closure_reason", "updated_at"])
        log_case("cases.case.closure_rejected", by, case)
    return case


# Why another app may refuse to reopen a closed case (a function of the locked case: the reason, or
# ""), declared with `reopen_refusal` at the app's ready(); the register does not import those apps.
ReopenRefusal = Callable[[Case], str]
_REOPEN_REFUSALS: list[ReopenRefusal] = []


def reopen_refusal(check: ReopenRefusal) -> ReopenRefusal:
    if check not in _REOPEN_REFUSALS:
        _REOPEN_REFUSALS.append(check)
    return check


def reopen_case(case: Case, *, by: Membership, reason: str = "") -> Case:
    require_write(by, case)
    with transaction.atomic():
        lock(case)
        if case.status not in CLOSED_STATUSES:
            raise InvalidTransition(_("Only a closed case can be reopened."))
        for check in _REOPEN_REFUSALS:
            if refused := check(case):
                raise InvalidTransition(refused)
        old = case.status
        case.status = CaseStatus.ACTIVE
        moved = move_stage(case, Stage.ASSISTANCE)
        case.closed_on = None
        case.closure_reason = ""
        case.reopen_count += 1
        case.save(
            update_fields=[*moved, "status", "closed_on", "closure_reason", "reopen_count", "updated_at"]
        )
        log_case(
            "cases.case.reopened", by, case, {"status": [old, case.status], "reason": [None, reason[:200]]}
        )
    return case


def share_case(case: Case, *, by: Membership, consent: Consent, attachments: bool = False) -> CaseShare:
    """Give another organization read access, against a referral consent that names it; the case's
    files only with `attachments`, which the consent must allow."""
    require_manager(by, case)
    with transaction.atomic():
        lock(case)
        lock(consent)  # a withdrawal locks it too: the share sees it, or it sees the share
        target = consent.referral_organization
        if (
            consent.case_id != case.pk
            or target is None
            or not may(case, ConsentScope.REFERRAL, organization=target)
        ):
            raise InvalidTransition(_("A valid referral consent naming the organization is required."))
        if attachments and not consent.includes_attachments:
            raise InvalidTransition(
                {
                    "attachments": _(
                        "The consent does not allow sharing the files: record a consent that does."
                    )
                }
            )
        share = (
            CaseShare.objects.filter(organization_id=case.organization_id)
            .filter(case=case, shared_with=target, revoked_at__isnull=True)
            .first()
        )
        if share is None:
            share = CaseShare.objects.create(
                organization=case.organization,
                case=case,
                shared_with=target,
                consent=consent,
                granted_by=by.user,
                includes_attachments=attachments,
            )
            changes = {"shared_with": [None, target.code], "attachments": [None, attachments]}
            log_case("cases.case.shared", by, case, changes)
        elif share.includes_attachments != attachments:
            old = share.includes_attachments
            share.includes_attachments = attachments
            share.consent = consent
            share.save(update_fields=["includes_attachments", "consent", "updated_at"])
            log_case("cases.case.shared", by, case, {"attachments": [old, attachments]})
    return share


def revoke_shares_for_consent(consent: Consent, *, by: Membership) -> int:
    shares = CaseShare.objects.filter(consent=consent, revoked_at__isnull=True)
    n = shares.update(revoked_at=timezone.now())
    if n:
        log_case("cases.case.share_revoked", by, consent.case, {"consent": [consent.pk, None]})
    return n
