"""Monitoring visits after arrival, each scored on the three dimensions of sustainability, and each
organization's scoring weights (ctm.reintegration.engine.scoring, docs/reintegration.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel
from ctm.reintegration.enums import Milestone, Outcome


class ScoringSettings(TenantModel):
    """The weights of one organization (none: every weight 1). Each visit keeps the weights it was scored with."""

    weights = models.JSONField(default=dict)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="scoring_one_per_org")]

    def __str__(self) -> str:
        return f"Scoring settings {self.organization_id}"


SCORE = {"max_digits": 3, "decimal_places": 2, "null": True, "blank": True}


class MonitoringVisit(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    solution = models.ForeignKey(
        "reintegration.DurableSolution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    milestone = models.CharField(_("visit"), max_length=6, choices=Milestone.choices)
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)  # indicator code → 1..5 (no free text)
    weights = models.JSONField(default=dict)  # the organization's weights when the visit was scored
    economic = models.DecimalField(_("economic"), **SCORE)
    social = models.DecimalField(_("social"), **SCORE)
    psychosocial = models.DecimalField(_("psychosocial"), **SCORE)
    composite = models.DecimalField(_("composite"), **SCORE)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    notes = EncryptedTextField(_("notes"), blank=True, default="")

    class Meta:
        ordering = ["visited_on", "id"]
        verbose_name = _("monitoring visit")
        indexes = [models.Index(fields=["case", "visited_on"], name="visit_case_day")]

    def __str__(self) -> str:
        return f"Visit {self.pk}"
