"""Shared pieces of the release writes: permission checks and the activity-log entry."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from ctm.core.domain.activity import record
from ctm.core.errors import NotAllowed
from ctm.privacy.rules import can_prepare_releases, can_review_releases


def _same_org(by: Any, obj: Any) -> None:
    if obj is not None and obj.organization_id != by.organization_id:
        raise NotAllowed(_("This belongs to another organization."))


def require_preparer(by: Any, obj: Any = None) -> None:
    if not can_prepare_releases(by):
        raise NotAllowed(_("Only a data manager may prepare and publish releases."))
    _same_org(by, obj)


def require_reviewer(by: Any, obj: Any = None) -> None:
    if not can_review_releases(by):
        raise NotAllowed(_("Only an auditor may approve or reject a release."))
    _same_org(by, obj)


def log(action: str, by: Any, obj: Model | None, label: str, changes: dict[str, Any] | None = None) -> None:
    record(action, actor=by.user, organization=by.organization, obj=obj, label=label, changes=changes)


def failure(code: str, **values: str) -> str:
    """A run's error as stored: its code (``enums.RUN_ERRORS``) and values, worded when shown."""
    return json.dumps({"code": code, "values": values})
