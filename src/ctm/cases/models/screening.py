"""The screening interview (domain.md §3.1) and the eligibility decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.cases.enums import DecisionBody, DecisionState, ExitMethod, TraffickingStatus
from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel


class TravelDocuments(models.TextChoices):
    OWN = "own", _("Own, genuine documents")
    PROVIDED = "provided", _("Provided by the recruiter")
    FORGED = "forged", _("Forged or borrowed documents")
    NONE = "none", _("No documents")
    UNKNOWN = "unknown", _("Unknown")


class Payment(models.TextChoices):
    AS_PROMISED = "as_promised", _("Paid as promised")
    LESS = "less", _("Paid less than promised")
    NONE = "none", _("Not paid")
    UNKNOWN = "unknown", _("Unknown")


class ScreeningInterview(TenantModel):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="screening")
    interview_date = models.DateField(_("interview date"))
    place = models.CharField(_("place of interview"), max_length=200, blank=True)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language of interview"), max_length=3, blank=True, help_text=_("ISO 639"))
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    consent_to_interview = models.BooleanField(_("consent to the interview given"), default=False)
    # Recruitment
    recruiter_promises = EncryptedTextField(_("what was promised"), blank=True, default="")
    recruitment_cost = models.DecimalField(
        _("recruitment costs paid (USD)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    debt = models.BooleanField(_("incurred a debt"), default=False)
    # Transport
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    travel_documents = models.CharField(
        _("travel documents"), max_length=12, choices=TravelDocuments.choices, default=TravelDocuments.UNKNOWN
    )
    transport_organised_by_recruiter = models.BooleanField(
        _("transport organised by the recruiter"), default=False
    )
    # Exploitation conditions
    exploitation_months = models.PositiveSmallIntegerField(
        _("duration of exploitation (months)"), null=True, blank=True
    )
    payment = models.CharField(_("payment"), max_length=12, choices=Payment.choices, default=Payment.UNKNOWN)
    freedom_of_movement = models.BooleanField(_("could move freely"), default=False)
    violence = models.BooleanField(_("experienced violence"), default=False)
    documents_withheld = models.BooleanField(_("documents were withheld"), default=False)
    exit_method = models.CharField(
        _("how the person left or was identified"), max_length=12, choices=ExitMethod.choices, blank=True
    )
    narrative = EncryptedTextField(_("interview notes"), blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("screening interview")

    def __str__(self) -> str:
        return f"Screening of case {self.case_id}"


class EligibilityDecision(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="eligibility_decisions")
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=32, choices=TraffickingStatus.choices
    )
    decision_body = models.CharField(_("decided by"), max_length=40, choices=DecisionBody.choices)
    decided_on = models.DateField(_("decision date"))
    reasons = EncryptedTextField(_("reasons"), blank=True, default="")
    state = models.CharField(max_length=10, choices=DecisionState.choices, default=DecisionState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("eligibility decision")
        indexes = [
            # A case manager's "awaiting approval" queue, counted on every case list they open.
            models.Index(
                fields=["organization", "case"],
                name="eligibility_org_proposed",
                condition=models.Q(state="proposed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trafficking_status} ({self.state})"
