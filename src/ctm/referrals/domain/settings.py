"""An organization's referral settings."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership
from ctm.referrals.enums import DEFAULT_ANSWER_DAYS, MAX_ANSWER_DAYS
from ctm.referrals.models import ReferralSettings
from ctm.referrals.rules import can_change_settings


def set_answer_days(*, by: Membership, days: int) -> ReferralSettings:
    """How many days the organization gives itself to answer a referral before it is overdue."""
    if not can_change_settings(by):
        raise NotAllowed(_("Only organization admins and case managers change the referral settings."))
    if not 1 <= days <= MAX_ANSWER_DAYS:
        raise InvalidTransition(
            {"answer_days": _("Enter a number of days from 1 to %(n)d.") % {"n": MAX_ANSWER_DAYS}}
        )
    with transaction.atomic():
        row, _created = ReferralSettings.objects.select_for_update().get_or_create(
            organization_id=by.organization_id
        )
        old = row.answer_days if not _created else DEFAULT_ANSWER_DAYS
        row.answer_days = days
        row.save(update_fields=["answer_days", "updated_at"])
        record(
            "referrals.settings.changed",
            actor=by.user,
            organization=by.organization,
            changes={"answer_days": [old, days]},
        )
    return row
