"""Consent records: scope, checklist (HTCDS), who gave it, and its withdrawal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.cases.enums import ConsentGiver, ConsentScope
from ctm.core.models import TenantModel

CHECKLIST = (
    ("told_purpose", _("Told the purpose of collecting the data")),
    ("told_uses", _("Told the actual and potential uses")),
    ("told_research_use", _("Told about non-identifying research use")),
    ("told_right_to_access", _("Told of the right to request their data at any time")),
    ("told_retention", _("Told how long the data are kept")),
    ("told_withdrawal", _("Told how to withdraw consent")),
)


class Consent(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("scope"), max_length=16, choices=ConsentScope.choices)
    referral_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization (for a referral)"),
    )
    # Or, for a referral outside CTM, the contact-directory entry that names the organization ("s12",
    # "p3"; organizations are not survivors: no identifying data).
    referral_contact = models.CharField(
        _("outside organization (directory entry, for a referral)"), max_length=20, blank=True, default=""
    )
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(
        _("given by"), max_length=10, choices=ConsentGiver.choices, default=ConsentGiver.PERSON
    )
    guardian = models.ForeignKey(
        "cases.Guardian",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian"),
    )
    told_purpose = models.BooleanField(CHECKLIST[0][1], default=False)
    told_uses = models.BooleanField(CHECKLIST[1][1], default=False)
    told_research_use = models.BooleanField(CHECKLIST[2][1], default=False)
    told_right_to_access = models.BooleanField(CHECKLIST[3][1], default=False)
    told_retention = models.BooleanField(CHECKLIST[4][1], default=False)
    told_withdrawal = models.BooleanField(CHECKLIST[5][1], default=False)
    includes_attachments = models.BooleanField(
        _("the files (attachments) may be shared too"),
        default=False,
        help_text=_(
            "For a referral: the person agreed that the organization also receives the case's files."
        ),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.CharField(
        _("withdrawn by"), max_length=10, choices=ConsentGiver.choices, blank=True
    )
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("consent")
        indexes = [models.Index(fields=["case", "scope"], name="consent_case_scope")]

    def __str__(self) -> str:
        return f"{self.scope} ({self.given_on})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None
