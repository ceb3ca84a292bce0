"""Protection of minors: the guardian and best-interests assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel


class Guardian(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="guardians")
    name = EncryptedTextField(_("name"))
    relationship = models.CharField(_("relationship or capacity"), max_length=100)
    contact = EncryptedTextField(_("contact"), blank=True, default="")
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    appointing_authority = models.CharField(_("appointing authority"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("guardian")

    def __str__(self) -> str:
        return f"{self.relationship}"


class BestInterestsAssessment(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="best_interests")
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = EncryptedTextField(_("summary"))
    recommendation = EncryptedTextField(_("recommendation"), blank=True, default="")

    class Meta:
        ordering = ["-assessed_on"]
        verbose_name = _("best-interests assessment")

    def __str__(self) -> str:
        return f"BIA {self.assessed_on}"
