"""The victim context (HTCDS `vic_*`) and the historic trafficking events (HTCDS `hte_*`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.cases.enums import EventType, Industry, RecruitmentMethod, Relationship
from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel

ADULT_AGE = 18


class VictimContext(TenantModel):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="victim_context")
    age_when_trafficked = models.PositiveSmallIntegerField(_("age when trafficked"), null=True, blank=True)
    recruitment_method = models.CharField(
        _("method of recruitment"), max_length=40, choices=RecruitmentMethod.choices, blank=True
    )
    recruitment_country = models.CharField(_("country of recruitment"), max_length=2, blank=True)
    recruitment_place = EncryptedTextField(_("place of recruitment"), blank=True, default="")
    relationship_to_trafficker = models.CharField(
        _("relationship to the recruiter"), max_length=16, choices=Relationship.choices, blank=True
    )
    means_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    exploitation_types = models.JSONField(_("types of exploitation"), default=list, blank=True)
    forced_labour_industry = models.CharField(
        _("forced labour industry (ISIC)"), max_length=60, choices=Industry.choices, blank=True
    )
    sex_exploitation_types = models.JSONField(_("types of sexual exploitation"), default=list, blank=True)
    exploitation_country = models.CharField(_("country of exploitation"), max_length=2, blank=True)
    recruitment_websites = models.JSONField(_("recruitment websites and apps"), default=list, blank=True)
    exploitation_websites = models.JSONField(_("exploitation websites and apps"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("victim context")

    def __str__(self) -> str:
        return f"Victim context of case {self.case_id}"

    @property
    def majority_when_trafficked(self) -> str:
        """HTCDS/CTDC majorityStatusAtExploit, derived from the age when trafficked."""
        if self.age_when_trafficked is None:
            return ""
        return "Minor" if self.age_when_trafficked < ADULT_AGE else "Adult"


class TraffickingEvent(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(_("event"), max_length=16, choices=EventType.choices)
    country = models.CharField(_("country"), max_length=2)
    place = EncryptedTextField(_("place"), blank=True, default="")
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("trafficking event")

    def __str__(self) -> str:
        return f"{self.event_type} in {self.country}"
