"""Login protection, two-factor and API tokens: one function per state change."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ctm.accounts.models import ApiToken, User, hash_token
from ctm.core.domain.activity import record
from ctm.core.enums import IDENTIFYING_ROLES


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


def register_failed_login(user: User) -> None:
    with transaction.atomic():
        user.failed_logins += 1
        fields = ["failed_logins"]
        if user.failed_logins >= settings.CTM_LOCKOUT_THRESHOLD:
            user.locked_until = timezone.now() + timedelta(minutes=settings.CTM_LOCKOUT_MINUTES)
            user.failed_logins = 0
            fields.append("locked_until")
            record("accounts.user.locked", actor=user, obj=user, label=user.username)
        user.save(update_fields=fields)
        record("accounts.login.failed", actor=user, obj=user, label=user.username)


def register_successful_login(user: User) -> None:
    with transaction.atomic():
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
        record("accounts.login.succeeded", actor=user, obj=user, label=user.username)


def needs_two_factor(user: User, membership: Any) -> bool:
    if user.totp_confirmed:
        return True
    return bool(
        membership is not None
        and membership.organization.require_two_factor
        and membership.role in IDENTIFYING_ROLES
    )


def start_totp_setup(user: User) -> str:
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed = False
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    return user.totp_secret


def totp_uri(user: User) -> str:
    return str(pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="CTM"))


def check_totp(user: User, code: str) -> bool:
    if not user.totp_secret:
        return False
    return bool(pyotp.TOTP(user.totp_secret).verify((code or "").strip().replace(" ", ""), valid_window=1))


def confirm_totp(user: User, code: str) -> bool:
    if not check_totp(user, code):
        return False
    with transaction.atomic():
        user.totp_confirmed = True
        user.save(update_fields=["totp_confirmed"])
        record("accounts.two_factor.enabled", actor=user, obj=user, label=user.username)
    return True


def create_api_token(membership: Any, *, name: str, by: User) -> tuple[ApiToken, str]:
    raw = "ctm_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=membership.user, membership=membership, name=name, prefix=raw[:12], digest=hash_token(raw)
        )
        record(
            "accounts.api_token.created",
            actor=by,
            organization=membership.organization,
            obj=token,
            label=name,
        )
    return token, raw


def revoke_api_token(token: ApiToken, *, by: User) -> None:
    if token.revoked_at:
        return
    with transaction.atomic():
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
    token = (
        ApiToken.objects.select_related("user", "membership__organization", "membership__office")
        .filter(digest=hash_token(raw or ""), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active or not token.membership.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
