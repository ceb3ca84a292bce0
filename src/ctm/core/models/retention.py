"""How long an organization keeps a person's identifying data, and how it is erased."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_RETENTION_YEARS = 10


class RetentionRule(models.Model):
    """One per organization; an organization without a row follows the defaults below."""

    organization = models.OneToOneField(
        "core.Organization", on_delete=models.CASCADE, related_name="retention_rule"
    )
    years_after_closure = models.PositiveSmallIntegerField(
        _("keep identifying data after closure (years)"),
        default=DEFAULT_RETENTION_YEARS,
        help_text=_("Counted from the day the person's last case was closed."),
    )
    require_export = models.BooleanField(
        _("export the record before erasure"),
        default=True,
        help_text=_("The person's full record is written to an export archive before it is erased."),
    )
    keep_statistics = models.BooleanField(
        _("keep non-identifying statistics"),
        default=True,
        help_text=_(
            "Keep gender, age, citizenship, victim context and trafficking events (countries and "
            "dates, never places) for statistics after the erasure."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("retention rule")

    def __str__(self) -> str:
        return f"Retention rule of organization {self.organization_id}"
