"""Shared pieces of the case-register writes: permission checks, row locks, version bumps, logging."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Model
from django.utils import timezone

from ctm.cases.domain.queries.cases import may_write_case
from ctm.cases.rules import can_manage_cases
from ctm.core.domain.activity import masked_changes, record
from ctm.core.domain.locking import lock
from ctm.core.errors import ConflictError, NotAllowed

__all__ = [
    "apply",
    "bump_version",
    "lock",
    "log_case",
    "log_change",
    "move_stage",
    "require_manager",
    "require_write",
    "snapshot",
]


def require_write(by: Any, case: Any) -> None:
    if not may_write_case(by, case):
        raise NotAllowed("You may not change this case.")


def require_manager(by: Any, case: Any) -> None:
    if not can_manage_cases(by) or by.organization_id != case.organization_id:
        raise NotAllowed("Only a case manager of the case's organization may do this.")


def bump_version(obj: Model, expected: int | None, *, changed: bool = True) -> None:
    """Optimistic lock: refuse the save if someone saved the object since `expected` was read. The
    version moves only when something changed: a save that changes nothing leaves it as it was."""
    current = obj.version  # type: ignore[attr-defined]
    expected = current if expected is None else expected
    rows = type(obj)._default_manager.filter(pk=obj.pk, version=expected)
    if not changed:
        if not rows.exists():
            raise ConflictError()
        return
    if not rows.update(version=F("version") + 1):
        raise ConflictError()
    obj.version = expected + 1  # type: ignore[attr-defined]


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def apply(obj: Model, data: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in data.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def log_case(action: str, by: Any, case: Any, changes: dict[str, Any] | None = None) -> None:
    record(
        action, actor=by.user, organization=case.organization, obj=case, label=case.number, changes=changes
    )


def log_change(
    action: str, by: Any, case: Any, old: dict[str, Any], new: dict[str, Any], sensitive: tuple[str, ...] = ()
) -> None:
    log_case(action, by, case, masked_changes(old, new, sensitive))


def move_stage(case: Any, stage: str, *, on: datetime.date | None = None) -> list[str]:
    """Set the case's stage and the day it entered it (in the caller's transaction, the case locked);
    returns the fields to save. Every change of stage goes through here (the manager views count
    the age in stage from `stage_since`)."""
    if case.stage != stage or case.stage_since is None:
        case.stage_since = on or timezone.localdate()
    case.stage = stage
    return ["stage", "stage_since"]
