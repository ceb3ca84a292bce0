"""A service delivered (or planned, refused, unavailable) for a person, by whom, when, at what cost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.assistance.enums import ProviderKind, ServiceStatus, SupportType
from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel


class ServiceRecord(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    plan_item = models.ForeignKey(
        "assistance.PlanItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    support_type = models.CharField(_("support type"), max_length=16, choices=SupportType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    provider_kind = models.CharField(_("provider"), max_length=8, choices=ProviderKind.choices)
    provider_organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An outside provider, as free text until the contact directory exists (a shelter's or a clinic's
    # name can locate the person: encrypted like the notes).
    provider_name = EncryptedTextField(_("outside provider"), blank=True, default="")
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service")
        indexes = [
            models.Index(fields=["organization", "support_type", "status"], name="service_org_type_status"),
            # The manager views' services delivered per month and type: the delivered ones only, with
            # their case (an office's services), so PostgreSQL counts from this index alone.
            models.Index(
                fields=["organization", "ended_on", "support_type", "case"],
                condition=models.Q(status="delivered"),
                name="service_delivered_panel",
            ),
        ]

    def __str__(self) -> str:
        return f"Service {self.pk}"
