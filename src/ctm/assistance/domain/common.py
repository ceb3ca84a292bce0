"""Shared pieces of the assistance writes: the case register's checks and log, and staff checks."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.cases.domain.common import lock, log_case, require_manager, require_write
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership

__all__ = [
    "case_staff_ids",
    "lock",
    "log_case",
    "not_future",
    "require_manager",
    "require_open",
    "require_write",
]

MASK = "•••"


def case_staff_ids(
    organization_id: int, roles: tuple[str, ...] = (Role.CASEWORKER, Role.CASE_MANAGER)
) -> set[int]:
    """The users who work on cases in an organization (may be made responsible for a plan)."""
    return set(
        Membership.objects.filter(
            organization_id=organization_id, is_active=True, role__in=roles
        ).values_list("user_id", flat=True)
    )


def require_open(case: Any) -> None:
    """In the caller's transaction, on the locked case."""
    if case.is_closed:
        raise InvalidTransition(_("Reopen the case first."))


def lock_open(case: Any) -> None:
    """Lock the case's row (in the caller's transaction) and refuse if it is closed: the first step of
    every change to a case's assistance, return or reintegration."""
    lock(case)
    require_open(case)


def not_future(field: str, day: datetime.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise InvalidTransition({field: _("The date cannot be in the future.")})


def masked(value: str) -> list[Any]:
    """old → new of a free-text value written for the first time, for the activity log."""
    return [None, MASK if value else None]
