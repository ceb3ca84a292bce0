"""Permission predicates for linkage and estimates: only the organization's data managers."""

from __future__ import annotations

from typing import Any

from ctm.core.enums import Role
from ctm.core.rules import has_role


def can_use_linkage(membership: Any) -> bool:
    """Run linkage, review pairs, make and export estimates."""
    return has_role(membership, Role.DATA_MANAGER)
