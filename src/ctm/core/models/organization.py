"""Organizations (tenants), their offices, and users' memberships with a role."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.enums import CaseworkerScope, OrganizationType, Role
from ctm.core.models.base import CachedDisplay


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("Short code used in case numbers, e.g. CHI.")
    )
    org_type = models.CharField(_("organization type"), max_length=40, choices=OrganizationType.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    require_two_factor = models.BooleanField(
        _("require two-factor authentication"),
        default=False,
        help_text=_("Every role that reads identifying data must use TOTP."),
    )
    caseworker_scope = models.CharField(
        _("caseworkers see"), max_length=10, choices=CaseworkerScope.choices, default=CaseworkerScope.OWN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="offices")
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=8)
    country = models.CharField(_("country"), max_length=2)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        ordering = ["organization", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="office_code_unique")]
        verbose_name = _("office")

    def __str__(self) -> str:
        return self.name


class Membership(CachedDisplay):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization.code} ({self.role})"
