"""Permission predicates for releases: data managers prepare and publish, auditors approve."""

from __future__ import annotations

from typing import Any

from ctm.core.enums import Role
from ctm.core.rules import has_role


def can_prepare_releases(membership: Any) -> bool:
    """Create a release, preview it, publish it once approved; see the privacy-budget ledger."""
    return has_role(membership, Role.DATA_MANAGER)


def can_review_releases(membership: Any) -> bool:
    """Approve or reject a release prepared by someone else (the second pair of eyes)."""
    return has_role(membership, Role.AUDITOR)


def can_see_releases(membership: Any) -> bool:
    """Read the organization's releases in every state, their previews and the ledger."""
    return has_role(membership, Role.DATA_MANAGER, Role.AUDITOR)
