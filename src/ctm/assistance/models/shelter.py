"""Shelters (places, capacity) and the stays of persons in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel


class Shelter(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    office = models.ForeignKey(
        "core.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    places = models.PositiveSmallIntegerField(_("places"))
    # A shelter's address is kept secret (those it protects are hiding from someone): encrypted.
    address = EncryptedTextField(_("address"), blank=True, default="")
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shelter")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="shelter_name_unique")]

    def __str__(self) -> str:
        return self.name


class ShelterStay(TenantModel):
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="stays")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        "assistance.ServiceRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    admitted_on = models.DateField(_("admitted on"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when a case manager admitted the person to a full shelter: why (logged, masked).
    override_reason = EncryptedTextField(_("reason for admitting over capacity"), blank=True, default="")

    class Meta:
        ordering = ["-admitted_on", "-id"]
        verbose_name = _("shelter stay")
        indexes = [models.Index(fields=["shelter", "discharged_on"], name="stay_shelter_open")]

    def __str__(self) -> str:
        return f"Stay {self.pk}"
