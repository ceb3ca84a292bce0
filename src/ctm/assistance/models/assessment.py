"""Vulnerability and risk assessments, repeated over a case: a safety risk level and factors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.assistance.enums import Factor, FactorKind, FactorLevel, SafetyRisk
from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel


class RiskAssessment(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    safety_risk = models.CharField(_("safety risk"), max_length=8, choices=SafetyRisk.choices)
    notes = EncryptedTextField(_("notes"), blank=True, default="")

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("risk assessment")
        indexes = [models.Index(fields=["case", "-assessed_on", "-id"], name="assessment_case_latest")]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"


class AssessmentFactor(TenantModel):
    """One factor of an assessment: a risk or a protective factor (factors not assessed have no row)."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="factors")
    level = models.CharField(_("level"), max_length=12, choices=FactorLevel.choices)
    factor = models.CharField(_("factor"), max_length=32, choices=Factor.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=FactorKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "factor"], name="assessment_factor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.factor}: {self.kind}"
