"""The checklist confirmed when a case was closed (the closure itself is the register's: cases.Case)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.cases.enums import ClosureReason
from ctm.core.models import TenantModel


class ClosureChecklist(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices)
    checks = models.JSONField(default=list)  # the ClosureCheck codes confirmed
    open_services = models.PositiveSmallIntegerField(default=0)  # counted when the checklist was confirmed
    open_tasks = models.PositiveSmallIntegerField(default=0)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed = models.BooleanField(default=False)  # False: a caseworker's request on a minor's case

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("closure checklist")

    def __str__(self) -> str:
        return f"Checklist {self.pk}"
