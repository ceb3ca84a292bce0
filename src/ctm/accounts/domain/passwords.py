"""Passwords: a user changes their own; an organization admin resets a member's (changed at next login).

Django's validators (settings.AUTH_PASSWORD_VALIDATORS: length, common passwords, similarity to the
username, zxcvbn strength) run on every password set here, as in `ctm createuser` and the add-member
form.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctm.accounts.models import User
from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership
from ctm.core.rules import can_manage_users


def checked_password(password: str, user: User, field: str = "password") -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidTransition({field: list(exc.messages)}) from exc
    return password


def change_password(user: User, *, old: str, new: str) -> None:
    """The user's own change: the old password is checked, the new one validated; logged."""
    if not user.check_password(old):
        raise InvalidTransition({"old_password": _("Your old password was entered incorrectly.")})
    checked_password(new, user, "new_password1")
    with transaction.atomic():
        user.set_password(new)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record("accounts.password.changed", actor=user, obj=user, label=user.username)


def require_member_admin(membership: Membership, *, by: Any) -> User:
    """The member's user, if `by` is an admin of the member's organization who may reset them.

    Refused for oneself (use the own password page), for a platform admin, and for a person who
    also belongs to another organization (one organization's admin never takes over an account
    that another organization relies on).
    """
    if not can_manage_users(by) or by.organization_id != membership.organization_id:
        raise NotAllowed(_("Only an admin of this organization may do this."))
    user: User = membership.user
    if user.pk == by.user_id:
        raise InvalidTransition(_("Use “Your account” to change your own password or second factor."))
    if user.is_superuser:
        raise NotAllowed(_("A platform admin's account is managed by another platform admin."))
    elsewhere = Membership.objects.filter(user=user, is_active=True).exclude(organization=membership.organization)
    if elsewhere.exists():
        raise NotAllowed(_("This person also belongs to another organization: ask a platform admin."))
    return user


def reset_password(membership: Membership, *, by: Any, password: str) -> None:
    """An admin sets a temporary password; the member must choose a new one at the next login."""
    user = require_member_admin(membership, by=by)
    checked_password(password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)  # also ends the member's open sessions (session auth hash)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record(
            "accounts.password.reset",
            actor=by.user,
            organization=membership.organization,
            obj=user,
            label=user.username,
        )
