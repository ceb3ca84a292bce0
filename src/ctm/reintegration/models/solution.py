"""A durable solution for one person: a voluntary return, local integration or resettlement, with its
fit-to-travel check, travel documents, itinerary, escort, approval, departure and arrival."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel
from ctm.reintegration.enums import (
    DocumentStatus,
    FitToTravel,
    SolutionKind,
    SolutionStatus,
    TravelDocumentKind,
    TravelMode,
)


class DurableSolution(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=SolutionKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=SolutionStatus.choices, default=SolutionStatus.PLANNED
    )
    destination_country = models.CharField(_("destination country"), max_length=2)
    # The place a person goes back to can locate them: encrypted like the notes.
    destination_place = EncryptedTextField(_("destination place"), blank=True, default="")
    fit_to_travel = models.CharField(_("fit to travel"), max_length=16, choices=FitToTravel.choices, blank=True)
    fit_checked_on = models.DateField(_("fit-to-travel check on"), null=True, blank=True)
    escort_required = models.BooleanField(_("escort required"), default=False)
    escort = EncryptedTextField(_("escort"), blank=True, default="")
    # The receiving organization in the destination country: a CTM organization or a directory entry.
    receiving_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving organization"),
    )
    receiving_contact = models.ForeignKey(
        "directory.SharedEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving organization (directory)"),
    )
    # ... and the referral that asks it to receive the person (`domain/receiving.py`): the referral's
    # consent, states and answers are the referral app's; the return shows its state.
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referral to the receiving organization"),
    )
    post_arrival_assistance = EncryptedTextField(_("post-arrival assistance"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(
        "cases.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    best_interests = models.ForeignKey(
        "cases.BestInterestsAssessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    arrival_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = EncryptedTextField(_("reason for cancelling"), blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("durable solution")
        indexes = [models.Index(fields=["organization", "status", "arrived_on"], name="solution_org_status")]

    def __str__(self) -> str:
        return f"Solution {self.pk}"


class TravelDocument(TenantModel):
    solution = models.ForeignKey(DurableSolution, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=12, choices=TravelDocumentKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    obtained_on = models.DateField(_("obtained on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("travel document")

    def __str__(self) -> str:
        return f"{self.kind}: {self.status}"


class ItineraryLeg(TenantModel):
    solution = models.ForeignKey(DurableSolution, on_delete=models.CASCADE, related_name="legs")
    travel_on = models.DateField(_("travel on"))
    mode = models.CharField(_("by"), max_length=8, choices=TravelMode.choices)
    # Where the person passes and lands can locate them: encrypted.
    origin = EncryptedTextField(_("from"))
    destination = EncryptedTextField(_("to"))

    class Meta:
        ordering = ["travel_on", "id"]
        verbose_name = _("itinerary leg")

    def __str__(self) -> str:
        return f"Leg {self.pk}"
