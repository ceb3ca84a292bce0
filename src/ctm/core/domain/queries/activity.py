"""Reads of the activity log: auditors and organization admins see their organization's entries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from ctm.core.models import ActivityLog
from ctm.core.rules import can_read_activity_log

SECURITY_PREFIX = "security."


@dataclass
class ActivityFilters:
    action: str = ""
    actor: str = ""
    object_label: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    security: bool = False  # security events only (core/domain/security.py)


def activity_for_user(membership: Any, f: ActivityFilters) -> QuerySet[ActivityLog]:
    if not can_read_activity_log(membership):
        return ActivityLog.objects.none()
    qs = ActivityLog.objects.filter(organization_id=membership.organization_id)
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.security:
        qs = qs.filter(action__startswith=SECURITY_PREFIX)
    if f.actor:
        qs = qs.filter(actor_label=f.actor)
    if f.object_label:
        qs = qs.filter(object_label=f.object_label.strip().upper())
    if f.date_from:
        qs = qs.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(created_at__date__lte=f.date_to)
    return qs.order_by("-id")


def entries_per_audit_key() -> dict[str, int]:
    """How many activity-log entries each audit key sealed ("" = never sealed: before the keyed chain)."""
    rows = ActivityLog.objects.order_by().values_list("key_id").annotate(n=Count("id"))
    return dict(rows)


def legacy_problems_recorded() -> list[tuple[int, int, list[Any]]]:
    """(entry id, number of problems, problems listed) of each re-key that found the old chain changed."""
    out = []
    for entry in ActivityLog.objects.filter(action="core.audit.rekeyed").order_by("id"):
        count = (entry.changes.get("legacy_problem_count") or [None, 0])[-1] or 0
        if count:
            out.append((entry.pk, int(count), list((entry.changes.get("legacy_problems") or [None, []])[-1])))
    return out
