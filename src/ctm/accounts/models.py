"""Users, their second factors (django-otp devices) and API tokens.

Failed logins are counted by django-axes (its own tables), not here.
"""

from __future__ import annotations

import hashlib
import time
from base64 import b32encode
from binascii import unhexlify

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.util import random_hex

from ctm.core import crypto
from ctm.core.fields import EncryptedTextField


class User(AbstractUser):
    """A staff member. Platform admins are `is_superuser`; everyone else acts through a membership."""

    preferred_language = models.CharField(max_length=8, blank=True)
    must_change_password = models.BooleanField(_("must change the password at next login"), default=False)
    # Opt-in: CTM's in-app notifications also announced by e-mail to `email` (never naming a person
    # or a case: ctm.assistance.domain.mail).
    notify_by_email = models.BooleanField(_("announce my notifications by e-mail"), default=False)

    class Meta:
        verbose_name = _("user")

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser


def default_totp_key() -> str:
    return str(random_hex(20))


class TotpDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app: django-otp's TOTP device, with its key encrypted at rest.

    `django_otp.plugins.otp_totp.TOTPDevice` stores the key in clear; this is the same device (same
    fields, same `verify_token`: throttling after a wrong code, a code accepted once via `last_t`)
    written as django-otp documents for custom devices, with the key in an `EncryptedTextField`
    (docs/decisions/0702-two-factor-and-lockout-libraries.md).
    """

    key = EncryptedTextField(default=default_totp_key, identifying=False)  # hex, 20 random bytes; no person's data
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    @property
    def base32_key(self) -> str:
        """The key as an authenticator app takes it when typed by hand."""
        return b32encode(self.bin_key).decode()

    @property
    def config_url(self) -> str:
        from urllib.parse import quote, urlencode

        label = f"CTM:{self.user.get_username()}"
        params = urlencode(
            {"secret": self.base32_key, "issuer": "CTM", "digits": self.digits, "period": self.step}
        )
        return f"otpauth://totp/{quote(label)}?{params}"

    def get_throttle_factor(self) -> int:
        from django.conf import settings

        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: object) -> bool:
        """django-otp's TOTPDevice.verify_token: refused while throttled, never the same step twice."""
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        verified = False
        try:
            value = int(str(token))
        except ValueError:
            value = None
        if value is not None:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = bool(totp.verify(value, self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified


def recovery_code_digest(code: str) -> str:
    """A keyed digest of a recovery code (the codes themselves are never stored)."""
    normalized = "".join(code.split()).replace("-", "").lower()
    return crypto.blind_index(normalized, "recovery-code")[:16]


class RecoveryCodes(StaticDevice):
    """django-otp's static device holding the user's one-time recovery codes, stored as keyed digests.

    Each code works once (django-otp deletes it on use) and the device is throttled like the app.
    """

    class Meta:
        proxy = True
        verbose_name = _("recovery codes")

    def verify_token(self, token: object) -> bool:
        return bool(super().verify_token(recovery_code_digest(str(token or ""))))


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API, bound to one membership. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the session that created it had passed two-factor (docs/decisions/0701-…): a token without
    # it is refused while its membership requires two-factor.
    verified_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
