"""Layer 0 of the funds: the states of a request, decisions, budget categories."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Eligibility review")
    APPROVED = "approved", _("Approved")
    PARTLY_APPROVED = "partly_approved", _("Partly approved")
    REJECTED = "rejected", _("Rejected")
    DISBURSED = "disbursed", _("Disbursed")
    REPORTED = "reported", _("Final report received")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approve in full")
    PARTLY_APPROVED = "partly_approved", _("Approve in part")
    REJECTED = "rejected", _("Reject")


class BudgetCategory(models.TextChoices):
    ACCOMMODATION = "accommodation", pgettext_lazy("budget", "Accommodation")
    MEDICAL = "medical", pgettext_lazy("budget", "Medical")
    LEGAL = "legal", pgettext_lazy("budget", "Legal")
    TRAVEL = "travel", pgettext_lazy("budget", "Travel and return")
    REINTEGRATION = "reintegration", pgettext_lazy("budget", "Reintegration")
    OTHER = "other", pgettext_lazy("budget", "Other")


class DocumentKind(models.TextChoices):
    SUPPORTING = "supporting", _("Supporting document")
    RECEIPT = "receipt", _("Receipt")


# Where a payment may be recorded: an approved request, until its final report.
PAYABLE = frozenset({RequestState.APPROVED, RequestState.PARTLY_APPROVED, RequestState.DISBURSED})
# States in which a reviewer sees the request (never a draft).
REVIEWABLE = frozenset(set(RequestState) - {RequestState.DRAFT})
CENT = Decimal("0.01")
