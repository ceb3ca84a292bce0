"""Directory entries: one organization or contact to call in a country.

Two tables with the same fields: the platform-wide directory every organization reads
(`SharedEntry`, not a tenant row) and each organization's private entries (`PrivateEntry`, a
tenant row: a query outside the owner's scope raises). docs/decisions/0013-directory-and-fund.md.

A private entry's contact fields (address, phone, emergency line, email, notes: a safe house's
address, a trusted officer's phone) are encrypted at rest and sealed (ctm.core.fields): they open
only in the directory's doors, which log the read in the organization's log. Search on private
entries reads only the fields left in clear (name, city, region): docs/decisions/1105-private-directory-encrypted.md.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel, TimestampedModel
from ctm.directory.enums import REF_PREFIX, STALE_AFTER_DAYS, EntryType, Visibility
from ctm.directory.validators import unpacked


class EntryFields(models.Model):
    name = models.CharField(_("name"), max_length=200)
    entry_type = models.CharField(_("type"), max_length=30, choices=EntryType.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    region = models.CharField(_("region or province"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    emergency_line = models.CharField(_("emergency line"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    services = models.CharField(_("services offered"), max_length=400, blank=True, help_text="|a|b|")
    languages = models.CharField(_("languages"), max_length=200, blank=True, help_text="|fr|ro|")
    populations = models.CharField(_("populations served"), max_length=100, blank=True, help_text="|a|b|")
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    visibility: str = Visibility.SHARED

    class Meta:
        abstract = True
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def ref(self) -> str:
        return f"{REF_PREFIX[self.visibility]}{self.pk}"  # type: ignore[index]

    @property
    def shared(self) -> bool:
        return self.visibility == Visibility.SHARED

    @property
    def service_list(self) -> list[str]:
        return unpacked(self.services)

    @property
    def language_list(self) -> list[str]:
        return unpacked(self.languages)

    @property
    def population_list(self) -> list[str]:
        return unpacked(self.populations)

    @property
    def stale(self) -> bool:
        """Not verified in the last 12 months (or never)."""
        return self.last_verified_on is None or self.last_verified_on < stale_before()


def stale_before() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=STALE_AFTER_DAYS)


class SharedEntry(EntryFields, TimestampedModel):
    """An entry of the platform-wide directory (no personal data about survivors: shared by design)."""

    class Meta(EntryFields.Meta):
        verbose_name = _("shared directory entry")
        indexes = [models.Index(fields=["country", "entry_type"], name="dir_shared_country_type")]


# a private entry's fields that say where a safe house is or how to reach a trusted person
SEALED_CONTACT_FIELDS = ("address", "phone", "emergency_line", "email", "notes")


class PrivateEntry(EntryFields, TenantModel):
    """An entry only its organization sees (a trusted contact, a safe house): its contact fields encrypted."""

    address = EncryptedTextField(_("address"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    emergency_line = EncryptedTextField(_("emergency line"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)

    visibility = Visibility.PRIVATE

    class Meta(EntryFields.Meta):
        verbose_name = _("private directory entry")
        indexes = [
            models.Index(fields=["organization", "country", "entry_type"], name="dir_private_country_type")
        ]
