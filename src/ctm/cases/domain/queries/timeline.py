"""The case timeline: everything that happened to a case, from the activity log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ctm.core.models import ActivityLog


def case_timeline(case: Any, *, include_reads: bool = False, limit: int = 200) -> QuerySet[ActivityLog]:
    qs = ActivityLog.objects.filter(object_type="cases.case", object_id=str(case.pk))
    if not include_reads:
        qs = qs.exclude(action__in=["cases.person.viewed", "cases.attachment.downloaded"])
    return qs.order_by("-id")[:limit]
