"""A referral (or a transfer) of a case from its organization to another one.

The row belongs to the sending organization, the case's owner (a tenant row of its scope); the
receiving organization reaches it only through the door in `domain/queries/referrals.py`. No
identifying data lives here except the free text, encrypted at rest: the reason, the answer, the
feedback, the emergency override's reason and an outside recipient named as free text.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel
from ctm.referrals.enums import (
    DEFAULT_ANSWER_DAYS,
    MAX_ANSWER_DAYS,
    RecipientKind,
    ReferralKind,
    ReferralState,
    Urgency,
)


def _unpacked(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


class Referral(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=10, choices=ReferralKind.choices, default=ReferralKind.REFERRAL
    )
    recipient_kind = models.CharField(_("recipient"), max_length=12, choices=RecipientKind.choices)
    to_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving organization"),
    )
    # An outside organization from the contact directory: its reference and the contact as it was that
    # day (directory entries describe organizations, never survivors).
    directory_ref = models.CharField(_("directory entry"), max_length=20, blank=True)
    contact = models.JSONField(_("contact used"), default=dict, blank=True)
    outside_name = EncryptedTextField(_("outside organization"), blank=True, default="")
    reason = EncryptedTextField(_("reason"))
    services = models.CharField(_("services requested"), max_length=400, blank=True, help_text="|a|b|")
    parts = models.CharField(_("parts of the record shared"), max_length=200, blank=True, help_text="|a|b|")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    consent = models.ForeignKey(
        "cases.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    emergency_reason = EncryptedTextField(_("emergency override: reason"), blank=True, default="")
    state = models.CharField(
        _("state"), max_length=10, choices=ReferralState.choices, default=ReferralState.SENT
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    answer_due_on = models.DateField(_("answer due on"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, default="")
    delivered_services = models.CharField(_("services delivered"), max_length=400, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    feedback = EncryptedTextField(_("feedback to the sender"), blank=True, default="")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # A transfer: the receiving organization's own case, opened when it accepted.
    received_case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        "assistance.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        indexes = [
            models.Index(fields=["organization", "state", "answer_due_on"], name="referral_sent_state"),
            models.Index(
                fields=["to_organization", "state", "answer_due_on"], name="referral_received_state"
            ),
            models.Index(fields=["case", "state"], name="referral_case_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "to_organization"],
                condition=models.Q(state__in=["sent", "accepted", "delivered"]),
                name="referral_one_open_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"

    @property
    def part_list(self) -> list[str]:
        return _unpacked(self.parts)

    @property
    def service_list(self) -> list[str]:
        return _unpacked(self.services)

    @property
    def delivered_list(self) -> list[str]:
        return _unpacked(self.delivered_services)

    @property
    def in_ctm(self) -> bool:
        return self.to_organization_id is not None

    @property
    def overridden(self) -> bool:
        return self.consent_id is None and self.in_ctm


class ReferralSettings(TenantModel):
    """An organization's referral settings (one row; missing means the defaults)."""

    answer_days = models.PositiveSmallIntegerField(
        _("days to answer a referral"),
        default=DEFAULT_ANSWER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ANSWER_DAYS)],
        help_text=_("A referral received and not answered within this many days is overdue."),
    )

    class Meta:
        verbose_name = _("referral settings")
        constraints = [models.UniqueConstraint(fields=["organization"], name="referral_settings_one")]

    def __str__(self) -> str:
        return f"Referral settings {self.organization_id}"
