"""An estimate of the hidden population: the overlap table, the parameters and the engine's result."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.models import TenantModel
from ctm.linkage.models.job import JobState


class Estimate(JobState, TenantModel):
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("label"), max_length=200)
    run = models.ForeignKey(
        "linkage.LinkageRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="estimates"
    )
    # {"lists": [...], "rows": [[0/1 per list..., count], ...]}: counts of people, nothing identifying.
    table = models.JSONField(default=dict)
    parameters = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    sensitivity = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")

    def __str__(self) -> str:
        return f"Estimate {self.pk}"
