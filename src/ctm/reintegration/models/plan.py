"""The reintegration plan: needs in the place of return, the assistance given (with amounts and
disbursements), linked to the services recorded on the case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel
from ctm.reintegration.enums import AssistanceKind, AssistanceStatus


class ReintegrationPlan(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    solution = models.ForeignKey(
        "reintegration.DurableSolution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    needs = EncryptedTextField(_("needs in the place of return"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reintegration plan")

    def __str__(self) -> str:
        return f"Reintegration plan {self.pk}"


class ReintegrationAssistance(TenantModel):
    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="assistance")
    kind = models.CharField(_("assistance"), max_length=20, choices=AssistanceKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=AssistanceStatus.choices, default=AssistanceStatus.PLANNED
    )
    description = EncryptedTextField(_("description"), blank=True, default="")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    service = models.ForeignKey(
        "assistance.ServiceRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("reintegration assistance")

    def __str__(self) -> str:
        return f"{self.kind} ({self.plan_id})"


class Disbursement(TenantModel):
    assistance = models.ForeignKey(ReintegrationAssistance, on_delete=models.CASCADE, related_name="disbursements")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("disbursement")

    def __str__(self) -> str:
        return f"Disbursement {self.pk}"
