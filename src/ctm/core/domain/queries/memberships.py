"""Reads about organizations and memberships."""

from __future__ import annotations

from typing import Any

from django.utils.functional import SimpleLazyObject

from ctm.core.models import Membership

# The request's memberships, read once by the account middleware and reused by the template context
# (`request_memberships`); kept with the id of the user they were read for.
REQUEST_ATTRIBUTE = "_ctm_memberships"


def memberships_for_user(user: Any, **annotations: Any) -> list[Membership]:
    """The user's active memberships, each with its organization, office and user (the very object
    given, so `membership.user` costs no query: the activity log names it on every logged read).
    `annotations`: facts about the user read in the same statement (the account middleware's)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization", "office")
        .annotate(**annotations)
        .order_by("organization__name")
    )
    actual = _unwrapped(user)
    for membership in rows:
        Membership.user.field.set_cached_value(membership, actual)
    return rows


def _unwrapped(user: Any) -> Any:
    """`request.user` is a lazy proxy (Django's, then django-otp's): the user instance behind it."""
    while isinstance(user, SimpleLazyObject):
        user.pk  # noqa: B018  (evaluates the proxy)
        user = user._wrapped
    return user


def request_memberships(request: Any, **annotations: Any) -> list[Membership]:
    """The signed-in user's memberships for this request: read once (by the account middleware, with
    its `annotations`), again only if the request's user changed since (a login within the request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(request, REQUEST_ATTRIBUTE, None)
    if cached is not None and cached[0] == user.pk:
        return list(cached[1])
    memberships = memberships_for_user(user, **annotations)
    setattr(request, REQUEST_ATTRIBUTE, (user.pk, memberships))
    return list(memberships)


def active_membership(
    user: Any, organization_id: int | None, *, memberships: list[Membership] | None = None
) -> Membership | None:
    if memberships is None:
        memberships = memberships_for_user(user)
    for membership in memberships:
        if membership.organization_id == organization_id:
            return membership
    return memberships[0] if memberships else None
