"""A request to a fund, owned by the requesting organization (a tenant row), its budget lines and
the payments made on it. A request names a CTM case of its organization, or a pseudonymous code for
a person assisted outside CTM: no identity travels to the fund's reviewers unless the requesting
organization grants it for this request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel
from ctm.funds.enums import BudgetCategory, DocumentKind, RequestState
from ctm.funds.models.fund import MONEY, Fund

RATE = {"max_digits": 18, "decimal_places": 8}


class FundRequest(TenantModel):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="requests")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pseudonym = models.CharField(_("pseudonymous code"), max_length=20, blank=True)
    country = models.CharField(_("country of assistance"), max_length=2)
    currency = models.CharField(_("currency of the budget"), max_length=3)
    # Free text about a person's situation: encrypted at rest (and blanked by a person's erasure).
    immediate_needs = EncryptedTextField(_("immediate needs"), max_length=5000)
    justification = EncryptedTextField(_("why no other programme can cover them"), max_length=5000)
    requested_total = models.DecimalField(_("requested"), **MONEY)
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reasons = EncryptedTextField(_("reasons"), blank=True, default="", max_length=5000)
    approved_amount = models.DecimalField(_("approved (budget currency)"), null=True, blank=True, **MONEY)
    rate = models.DecimalField(_("exchange rate"), null=True, blank=True, **RATE)
    rate_date = models.DateField(_("rate date"), null=True, blank=True)
    committed = models.DecimalField(_("committed (fund currency)"), null=True, blank=True, **MONEY)
    disbursed = models.DecimalField(_("disbursed (fund currency)"), default=0, **MONEY)
    identity_granted = models.BooleanField(_("reviewers may see the identity"), default=False)
    spent = models.DecimalField(_("spent (fund currency)"), null=True, blank=True, **MONEY)
    report = EncryptedTextField(_("final report"), blank=True, default="", max_length=10000)
    reported_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fund request")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(case__isnull=False) & models.Q(pseudonym=""))
                | (models.Q(case__isnull=True) & ~models.Q(pseudonym="")),
                name="fund_request_case_or_code",
            ),
            models.CheckConstraint(
                condition=models.Q(committed__isnull=True) | models.Q(disbursed__lte=models.F("committed")),
                name="fund_request_paid_within_committed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"ER-{self.pk:05d}"


class BudgetLine(TenantModel):
    request = models.ForeignKey(FundRequest, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = EncryptedTextField(_("description"), max_length=200, blank=True, default="")
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("budget line")


class Disbursement(TenantModel):
    """One payment on a request. `amount` is in the fund's currency; a payment made in another
    currency records what was paid, the rate used and its date."""

    request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount (fund currency)"), **MONEY)
    paid_amount = models.DecimalField(_("amount paid"), **MONEY)
    paid_currency = models.CharField(_("currency paid"), max_length=3)
    rate = models.DecimalField(_("exchange rate"), **RATE)
    rate_date = models.DateField(_("rate date"))
    paid_on = models.DateField(_("paid on"))
    note = EncryptedTextField(_("note"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("payment")


class FundDocument(TenantModel):
    """A supporting document or a receipt of a request: its bytes encrypted in the database (like a
    case's attachments), its name too. The fund's reviewers download it only when its uploader shared
    it with them."""

    request = models.ForeignKey(FundRequest, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    shared = models.BooleanField(_("shared with the fund's reviewers"), default=False)
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    key_id = models.CharField(max_length=16)
    blob = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("document")
