"""Shared pieces of the linkage writes: the permission check and the activity-log entry."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from ctm.core.domain.activity import record
from ctm.core.errors import NotAllowed
from ctm.linkage.rules import can_use_linkage


def require_data_manager(by: Any, obj: Any = None) -> None:
    if not can_use_linkage(by):
        raise NotAllowed("Only a data manager may run linkage and estimates.")
    if obj is not None and obj.organization_id != by.organization_id:
        raise NotAllowed("This belongs to another organization.")


def log(action: str, by: Any, obj: Model | None, label: str, changes: dict[str, Any] | None = None) -> None:
    record(action, actor=by.user, organization=by.organization, obj=obj, label=label, changes=changes)
