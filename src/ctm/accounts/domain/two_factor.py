"""The second factor through django-otp: enrolment, verification, recovery codes, admin reset.

An authenticator app is a `TotpDevice` (key encrypted at rest); the recovery codes are one
`RecoveryCodes` device (django-otp's static device, codes stored as keyed digests). Both are
throttled by django-otp (each wrong code doubles the wait) and a TOTP code is accepted once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import django_otp
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticToken

from ctm.accounts.models import ApiToken, RecoveryCodes, TotpDevice, User, recovery_code_digest
from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition

RECOVERY_CODE_COUNT = 10
SETUP_MINUTES = timedelta(minutes=15)
TOTP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Verification:
    """The result of checking a code: the device that accepted it, or why none did."""

    device: Any = None
    throttled_until: datetime | None = None  # set when the device refused to even try (too many wrong codes)


def _normalize(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def confirmed_app(user: User) -> TotpDevice | None:
    device: TotpDevice | None = TotpDevice.objects.filter(user=user, confirmed=True).first()
    return device


def pending_app(user: User, *, new: bool = False) -> TotpDevice | None:
    """The unconfirmed authenticator being set up; `new` starts a setup (a fresh key, kept 15 minutes)."""
    fresh = timezone.now() - SETUP_MINUTES
    with transaction.atomic():
        TotpDevice.objects.filter(user=user, confirmed=False, created_at__lt=fresh).delete()
        device: TotpDevice | None = TotpDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None and new:
            device = TotpDevice.objects.create(user=user, name="authenticator", confirmed=False)
        return device


def _throttled_until(device: Any) -> datetime | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until: datetime = (data or {}).get("locked_until") or timezone.now()
    return until


def verify_code(user: User, code: str) -> Verification:
    """Check a code from the app (six digits) or a recovery code against the user's devices.

    Runs through `django_otp.verify_token` (row lock, throttling, one use per code). A recovery code
    that works is logged, since it means the app was not at hand.
    """
    code = _normalize(code)
    if TOTP_CODE.match(code):
        device: Any = confirmed_app(user)
    else:
        device = RecoveryCodes.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return Verification()
    throttled = _throttled_until(device)
    if throttled is not None:
        return Verification(throttled_until=throttled)
    accepted = django_otp.verify_token(user, device.persistent_id, code)
    if accepted is None:
        return Verification()
    if isinstance(accepted, RecoveryCodes):
        left = StaticToken.objects.filter(device=accepted).count()
        record(
            "accounts.two_factor.recovery_code_used",
            actor=user,
            obj=user,
            label=user.username,
            changes={"codes_left": [None, left]},
        )
    return Verification(device=accepted)


def confirm_app(user: User, device: TotpDevice, code: str) -> tuple[Verification, list[str]]:
    """Turn on the app being set up if `code` is right; replaces any previous factor of the user.

    Returns the verification and the new recovery codes (shown once, stored only as digests).
    """
    throttled = _throttled_until(device)
    if throttled is not None:
        return Verification(throttled_until=throttled), []
    accepted = django_otp.verify_token(user, device.persistent_id, _normalize(code))
    if accepted is None:
        return Verification(), []
    with transaction.atomic():
        had = TotpDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
        TotpDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        TotpDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = _new_recovery_codes(user)
        action = "accounts.two_factor.replaced" if had else "accounts.two_factor.enabled"
        record(action, actor=user, obj=user, label=user.username)
    return Verification(device=device), codes


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCodes.objects.filter(user=user).delete()
    holder = RecoveryCodes.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=holder, token=recovery_code_digest(c)) for c in codes)
    return [f"{c[:4]}-{c[4:]}" for c in codes]


def renew_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for a user with an app (the old ones stop working); logged."""
    if confirmed_app(user) is None:
        raise InvalidTransition(_("Set up an authenticator app first: recovery codes come with it."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        codes = _new_recovery_codes(user)
        record("accounts.two_factor.recovery_codes_renewed", actor=user, obj=user, label=user.username)
    return codes


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user).count())


def reset_two_factor(membership: Any, *, by: Any) -> int:
    """An organization admin removes a member's lost second factor; the member enrols again.

    The member's API tokens are revoked with it: they were issued on the strength of that factor.
    Returns the number of tokens revoked.
    """
    from ctm.accounts.domain.passwords import require_member_admin

    user = require_member_admin(membership, by=by)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        removed = TotpDevice.objects.filter(user=user).delete()[0]
        RecoveryCodes.objects.filter(user=user).delete()
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        record(
            "accounts.two_factor.reset",
            actor=by.user,
            organization=membership.organization,
            obj=user,
            label=user.username,
            changes={"devices_removed": [removed, 0], "api_tokens_revoked": [None, revoked]},
        )
    return int(revoked)
