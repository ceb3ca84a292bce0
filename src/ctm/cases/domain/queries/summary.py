"""The summary at the top of the case page: stage and how long it has been in it, risk, consent,
what is missing. Built from what the case page already read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from ctm.cases.domain.queries.requirements import Missing, missing_parts
from ctm.cases.models import Case


@dataclass
class CaseSummary:
    stage_since: datetime.date | None
    days_in_stage: int | None
    consents: list[Any] = field(default_factory=list)  # active consents
    withdrawn: list[Any] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


def stage_since(case: Case) -> datetime.date | None:
    """The day the case entered its stage: its `stage_since` (set by every change of stage, as the
    manager views read it), else the day it was opened; for a closed case, the day it was closed."""
    if case.is_closed:
        closed: datetime.date | None = case.closed_on
        return closed
    since: datetime.date | None = case.stage_since or case.opened_on
    return since


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
