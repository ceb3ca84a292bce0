"""Users, login protection, TOTP secrets and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField


class User(AbstractUser):
    """A staff member. Platform admins are `is_superuser`; everyone else acts through a membership."""

    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    totp_secret = EncryptedTextField(blank=True, default="")
    totp_confirmed = models.BooleanField(_("two-factor enabled"), default=False)
    preferred_language = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser


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
