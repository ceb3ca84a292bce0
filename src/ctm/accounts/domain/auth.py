"""Login events, who must use two-factor, and API tokens: one function per state change.

Failed logins and lockouts are counted by django-axes (settings `AXES_*`); the functions here only
write the activity log for them.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.accounts.models import ApiToken, TotpDevice, User, hash_token
from ctm.core.domain.activity import record
from ctm.core.domain.security import record_refusal
from ctm.core.enums import IDENTIFYING_ROLES
from ctm.core.errors import NotAllowed


def register_failed_login(username: str) -> None:
    """One entry per failed login, with the same work for a known and an unknown name (no timing
    difference); an unknown name is not written down, since it is often a password typed in the
    wrong field."""
    user = User.objects.filter(username=username).first()
    record("accounts.login.failed", actor="anonymous", obj=user, label=user.username if user else "")


def register_lockout(username: str) -> None:
    """Axes locked a username out (known or not: the log says which name, never the password).

    Axes signals again at every attempt during the lockout; one entry per lockout period is enough.
    """
    from django.conf import settings

    from ctm.core.models import ActivityLog

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    label = username[:120]
    if ActivityLog.objects.filter(action="accounts.user.locked", object_label=label, created_at__gte=since).exists():
        return
    user = User.objects.filter(username=username).first()
    record("accounts.user.locked", actor=user or "anonymous", obj=user, label=label)


def register_successful_login(user: User) -> None:
    record("accounts.login.succeeded", actor=user, obj=user, label=user.username)


def has_second_factor(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and TotpDevice.objects.filter(user=user, confirmed=True).exists()
    )


def second_factor_of_member() -> Exists:
    """Whether a membership's user has a confirmed second factor, as an expression: read with the
    memberships in their statement (the account middleware's, on every request)."""
    return Exists(TotpDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True))


def organization_requires_two_factor(membership: Any) -> bool:
    return bool(
        membership is not None
        and membership.organization.require_two_factor
        and membership.role in IDENTIFYING_ROLES
    )


def needs_two_factor(user: Any, membership: Any) -> bool:
    """A user with a second factor always uses it; others when their organization requires it."""
    return organization_requires_two_factor(membership) or has_second_factor(user)


def create_api_token(
    membership: Any, *, name: str, by: User, verified: bool = False
) -> tuple[ApiToken, str]:
    """A new token for the membership; `verified` says the creating session passed two-factor.

    A token is never created for a membership that requires two-factor from a session that did not
    pass it (docs/decisions/0701-api-tokens-and-two-factor.md).
    """
    if not verified and needs_two_factor(membership.user, membership):
        raise NotAllowed(_("Sign in with your second factor before creating an API token."))
    raw = "ctm_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=membership.user,
            membership=membership,
            name=name,
            prefix=raw[:12],
            digest=hash_token(raw),
            verified_at=timezone.now() if verified else None,
        )
        record(
            "accounts.api_token.created",
            actor=by,
            organization=membership.organization,
            obj=token,
            label=name,
            changes={"two_factor": [None, verified]},
        )
    return token, raw


def get_own_token(membership: Any, user: Any, pk: int) -> ApiToken:
    """The user's own token; 404 for a token that does not exist or is someone else's — a refused
    attempt recorded as a security event (in the token owner's organization too, so its auditor sees
    who tried to revoke a member's token)."""
    token = ApiToken.objects.filter(user=user, pk=pk).select_related("membership__organization").first()
    if token is not None:
        return token
    other = ApiToken.objects.filter(pk=pk).select_related("membership__organization").first()
    record_refusal(
        "security.api_token.refused",
        membership,
        pk,
        owner=other.membership.organization if other is not None else None,
        actor=user,
    )
    raise Http404("No such token")


def revoke_api_token(token: ApiToken, *, by: Any) -> None:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update(of=("self",)).select_related("membership__organization").get(pk=token.pk)
        if token.revoked_at:
            return
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            "accounts.api_token.revoked",
            actor=by,
            organization=token.membership.organization,
            obj=token,
            label=token.name,
        )


def authenticate_token(raw: str) -> ApiToken | None:
    """The active token with this value, or None (unknown, revoked, inactive, or two-factor unmet)."""
    token: ApiToken | None = (
        ApiToken.objects.select_related("user", "membership__organization", "membership__office")
        .filter(digest=hash_token(raw or ""), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active or not token.membership.is_active:
        return None
    if token.verified_at is None and needs_two_factor(token.user, token.membership):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
