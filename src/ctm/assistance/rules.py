"""Permission predicates for assistance, in one place. Pure functions of a membership.

Assistance is part of the work on a case: who may read or change a case may read or change its
assessments, plans and services (the case's door decides which cases). A case manager approves plans,
manages shelters and admits a person to a full shelter (with a reason)."""

from __future__ import annotations

from typing import Any

from ctm.core.rules import can_manage_cases, can_read_cases, can_write_cases

__all__ = [
    "can_manage_cases",
    "can_manage_shelters",
    "can_read_cases",
    "can_see_office_work",
    "can_write_cases",
]


def can_manage_shelters(membership: Any) -> bool:
    return can_manage_cases(membership)


def can_see_office_work(membership: Any) -> bool:
    """The overdue tasks of an office: its case managers."""
    return can_manage_cases(membership)
