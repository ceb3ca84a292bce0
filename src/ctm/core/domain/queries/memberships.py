"""Reads about organizations and memberships."""

from __future__ import annotations

from typing import Any

from ctm.core.models import Membership


def memberships_for_user(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization", "office")
        .order_by("organization__name")
    )


def active_membership(user: Any, organization_id: int | None) -> Membership | None:
    memberships = memberships_for_user(user)
    for membership in memberships:
        if membership.organization_id == organization_id:
            return membership
    return memberships[0] if memberships else None
