"""A user's own preferences: whether their in-app notifications are also announced by e-mail."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ctm.accounts.models import User
from ctm.core.domain.activity import record


def set_notification_email(user: User, *, enabled: bool, email: str, organization: Any = None) -> User:
    """Opt in (with the address to write to) or out. Logged without the address."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old = user.notify_by_email
        user.notify_by_email, user.email = enabled, email.strip()
        user.save(update_fields=["notify_by_email", "email"])
        record(
            "accounts.user.notification_email_changed",
            actor=user,
            organization=organization,
            obj=user,
            label=user.username,
            changes={"notify_by_email": [old, enabled]},
        )
    return user
