"""The assistance plan: objectives, planned services, who is responsible, agreement and approval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.assistance.enums import AgreementMethod, PlanStatus, SupportType
from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel


class AssistancePlan(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    objectives = EncryptedTextField(_("objectives"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed_on = models.DateField(_("agreed with the person on"), null=True, blank=True)
    agreement_method = models.CharField(
        _("how the person agreed"), max_length=12, choices=AgreementMethod.choices, blank=True
    )
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assistance plan")

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class PlanItem(TenantModel):
    """A planned service: its type, who is responsible, the planned dates (actual ones on its services)."""

    plan = models.ForeignKey(AssistancePlan, on_delete=models.CASCADE, related_name="items")
    support_type = models.CharField(_("support type"), max_length=16, choices=SupportType.choices)
    description = EncryptedTextField(_("description"), blank=True, default="")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("planned service")

    def __str__(self) -> str:
        return f"{self.support_type} ({self.plan_id})"
