"""Retention rules: how long an organization keeps identifying data after a person's last case closed."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Organization, RetentionRule
from ctm.core.rules import can_manage_users

RULE_FIELDS = ["years_after_closure", "require_export", "keep_statistics"]
MAX_YEARS = 100


def retention_rule_for(organization: Organization) -> RetentionRule:
    """The organization's rule, or an unsaved one holding the defaults."""
    rule = RetentionRule.objects.filter(organization=organization).first()
    return rule if rule is not None else RetentionRule(organization=organization)


def update_retention_rule(organization: Organization, *, by: Any, data: dict[str, Any]) -> RetentionRule:
    """An organization admin changes their organization's rule; the change is logged."""
    if not can_manage_users(by) or by.organization_id != organization.pk:
        raise NotAllowed(_("Only an admin of this organization may do this."))
    years = data.get("years_after_closure")
    if years is not None and not 1 <= int(years) <= MAX_YEARS:
        raise InvalidTransition(
            {"years_after_closure": _("Choose between 1 and %(max)d years.") % {"max": MAX_YEARS}}
        )
    with transaction.atomic():
        rule = RetentionRule.objects.select_for_update().filter(organization=organization).first()
        rule = rule or RetentionRule(organization=organization)
        changes = {
            k: [getattr(rule, k) if rule.pk else None, data[k]]
            for k in RULE_FIELDS
            if k in data and (rule.pk is None or getattr(rule, k) != data[k])
        }
        if not changes:
            return rule
        for key in changes:
            setattr(rule, key, data[key])
        rule.updated_by = getattr(by, "user", None)
        rule.save()
        record(
            "core.retention_rule.updated",
            actor=by.user,
            organization=organization,
            obj=rule,
            label=organization.code,
            changes=changes,
        )
    return rule


def minus_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def erasure_cutoff(rule: RetentionRule, today: datetime.date) -> datetime.date:
    """Persons whose last case closed on or before this day are due for erasure."""
    return minus_years(today, rule.years_after_closure)
