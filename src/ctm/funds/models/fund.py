"""An emergency assistance fund: a donor's money, run by one organization, open to requests from all.

Not a tenant row: every organization reads the open funds to apply. Its running totals (`committed`,
`disbursed`) change only in the domain functions, under a lock on the fund's row, so two approvals
can never commit the same money twice (docs/decisions/0013-directory-and-fund.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.models import TimestampedModel
from ctm.funds.validators import validate_currency

MONEY = {"max_digits": 14, "decimal_places": 2}


class Fund(TimestampedModel):
    manager = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    name = models.CharField(_("name"), max_length=200)
    donor = models.CharField(_("donor"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    total = models.DecimalField(_("total"), **MONEY)
    committed = models.DecimalField(_("committed"), default=Decimal("0.00"), **MONEY)
    disbursed = models.DecimalField(_("disbursed"), default=Decimal("0.00"), **MONEY)
    eligibility = models.TextField(_("eligibility rules"), max_length=5000)
    is_open = models.BooleanField(_("open to requests"), default=True)
    reviewers = models.ManyToManyField("core.Membership", related_name="+", verbose_name=_("reviewers"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Closing (`close_fund`): no new request, submission or approval after it; the balance at that
    # moment is kept for the closing report (payments on earlier approvals may still follow).
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_committed = models.DecimalField(_("committed at closing"), null=True, blank=True, **MONEY)
    closing_disbursed = models.DecimalField(_("disbursed at closing"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("fund")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(committed__lte=models.F("total")), name="fund_not_overcommitted"
            ),
            models.CheckConstraint(
                condition=models.Q(disbursed__lte=models.F("committed")), name="fund_paid_within_committed"
            ),
            models.CheckConstraint(condition=models.Q(disbursed__gte=0), name="fund_disbursed_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def remaining(self) -> Decimal:
        return self.total - self.committed
