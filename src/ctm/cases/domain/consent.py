"""Writes on consent records, the guardian and best-interests assessments."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.cases.domain.cases import revoke_shares_for_consent
from ctm.cases.domain.common import lock, log_case, log_change, require_write
from ctm.cases.enums import ConsentGiver, ConsentScope
from ctm.cases.models import BestInterestsAssessment, Case, Consent, Guardian
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership
from ctm.directory.domain.queries import get_entry_for_user


def record_consent(case: Case, *, by: Membership, data: dict[str, Any]) -> Consent:
    require_write(by, case)
    errors: dict[str, str] = {}
    if data.get("scope") == ConsentScope.REFERRAL:
        if not data.get("referral_organization") and not data.get("referral_contact"):
            errors["referral_organization"] = _("A referral consent must name the organization.")
        elif data.get("referral_organization") and data.get("referral_contact"):
            errors["referral_contact"] = _("Name one organization: in CTM or from the directory, not both.")
        elif data.get("referral_contact") and not _readable_entry(by, data["referral_contact"]):
            errors["referral_contact"] = _("No such directory entry.")
    elif data.get("referral_organization") or data.get("referral_contact"):
        errors["scope"] = _("Only a referral consent names an organization.")
    if data.get("given_by") == ConsentGiver.WITH_GUARDIAN and not data.get("guardian"):
        errors["guardian"] = _("Record the guardian first, then choose them here.")
    if case.is_minor and data.get("given_by") != ConsentGiver.WITH_GUARDIAN:
        errors["given_by"] = _("A minor gives consent with a guardian.")
    guardian = data.get("guardian")
    if guardian is not None and guardian.case_id != case.pk:
        errors["guardian"] = _("This guardian belongs to another case.")
    if data.get("given_on") and data["given_on"] > timezone.localdate():
        errors["given_on"] = _("The date cannot be in the future.")
    if errors:
        raise InvalidTransition(errors)
    with transaction.atomic():
        consent = Consent(organization=case.organization, case=case, recorded_by=by.user, **data)
        consent.save()
        target = consent.referral_organization.code if consent.referral_organization else None
        target = target or consent.referral_contact or None
        log_case(
            "cases.consent.recorded",
            by,
            case,
            {"scope": [None, consent.scope], "organization": [None, target]},
        )
    return consent


def _readable_entry(by: Membership, ref: str) -> bool:
    try:
        get_entry_for_user(by, ref)
    except Http404:
        return False
    return True


def withdraw_consent(
    consent: Consent, *, by: Membership, on: datetime.date | None = None, withdrawn_by: str = "person"
) -> Consent:
    case = consent.case
    require_write(by, case)
    day = on or timezone.localdate()
    if day < consent.given_on:
        raise InvalidTransition({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})
    with transaction.atomic():
        lock(case)  # the same order as share_case: the case, then the consent
        lock(consent)
        if consent.withdrawn_on:
            raise InvalidTransition(_("This consent was already withdrawn."))
        consent.withdrawn_on = day
        consent.withdrawn_by = withdrawn_by
        consent.withdrawal_recorded_by = by.user
        consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_recorded_by", "updated_at"])
        log_case(
            "cases.consent.withdrawn",
            by,
            case,
            {"scope": [consent.scope, None], "withdrawn_on": [None, day.isoformat()]},
        )
        if consent.scope == ConsentScope.REFERRAL:
            revoke_shares_for_consent(consent, by=by)
    return consent


def add_guardian(case: Case, *, by: Membership, data: dict[str, Any]) -> Guardian:
    require_write(by, case)
    with transaction.atomic():
        guardian = Guardian(organization=case.organization, case=case, **data)
        guardian.save()
        log_change(
            "cases.guardian.added",
            by,
            case,
            {},
            {"name": guardian.name, "relationship": guardian.relationship},
            ("name",),
        )
    return guardian


def add_best_interests(case: Case, *, by: Membership, data: dict[str, Any]) -> BestInterestsAssessment:
    require_write(by, case)
    with transaction.atomic():
        bia = BestInterestsAssessment(organization=case.organization, case=case, assessor=by.user, **data)
        bia.save()
        log_case(
            "cases.best_interests.recorded", by, case, {"assessed_on": [None, bia.assessed_on.isoformat()]}
        )
    return bia
