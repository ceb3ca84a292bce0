"""Permission predicates for the funds, in one place. Pure functions of a membership (and a fund)."""

from __future__ import annotations

from typing import Any

from ctm.core.enums import Role
from ctm.core.rules import can_request_funds, can_review_funds, has_role

__all__ = ["can_manage_funds", "can_request_funds", "can_review_funds", "is_fund_reviewer"]


def can_manage_funds(membership: Any) -> bool:
    """Open a fund for one's organization and name its reviewers."""
    return has_role(membership, Role.ORG_ADMIN)


def is_fund_reviewer(membership: Any, fund: Any) -> bool:
    """A fund reviewer named on this fund (the fund knows its reviewers' memberships)."""
    return can_review_funds(membership) and fund.reviewers.filter(pk=membership.pk).exists()
