"""The summary at the top of the case page: stage and how long it has been in it, risk, consent,
what is missing. Built from what the case page already read, plus one query (the last stage change)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ctm.cases.domain.queries.requirements import Missing, missing_parts
from ctm.cases.models import Case
from ctm.core.models import ActivityLog


@dataclass
class CaseSummary:
    stage_since: datetime.date | None
    days_in_stage: int | None
    consents: list[Any] = field(default_factory=list)  # active consents
    withdrawn: list[Any] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


def stage_since(case: Case) -> datetime.date | None:
    """The day the case entered its stage: its last stage change, else the day it was opened."""
    if case.is_closed:
        closed: datetime.date | None = case.closed_on
        return closed
    changed: datetime.datetime | None = (
        ActivityLog.objects.filter(object_type="cases.case", object_id=str(case.pk))
        .filter(action__in=["cases.case.stage_changed", "cases.case.reopened"])
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )
    opened: datetime.date | None = case.opened_on
    return timezone.localdate(changed) if changed else opened


def case_summary(case: Case, page: dict[str, Any]) -> CaseSummary:
    since = stage_since(case)
    consents = page.get("consents", [])
    return CaseSummary(
        stage_since=since,
        days_in_stage=(timezone.localdate() - since).days if since else None,
        consents=[c for c in consents if c.withdrawn_on is None],
        withdrawn=[c for c in consents if c.withdrawn_on is not None],
        missing=missing_parts(case, page),
    )
