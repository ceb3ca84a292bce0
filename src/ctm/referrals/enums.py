"""States, kinds and the parts of a record a referral may share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFAULT_ANSWER_DAYS = 7  # an unanswered referral is overdue after this many days (a setting per organization)
MAX_ANSWER_DAYS = 90


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", pgettext_lazy("noun", "Referral")
    TRANSFER = "transfer", _("Transfer of the whole case")


class ReferralState(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral state", "Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DELIVERED = "delivered", _("Services delivered")
    CLOSED = "closed", _("Closed with feedback")
    WITHDRAWN = "withdrawn", _("Withdrawn by the sender")


OPEN_STATES = frozenset({ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.DELIVERED})
# The receiving organization reads the shared parts in these states only (and while the consent holds).
READABLE_STATES = frozenset({ReferralState.ACCEPTED, ReferralState.DELIVERED})


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Life-threatening emergency")


class RecipientKind(models.TextChoices):
    ORGANIZATION = "organization", _("An organization in CTM")
    DIRECTORY = "directory", _("An outside organization from the contact directory")
    OTHER = "other", _("Another outside organization (free text, last resort)")


class RecordPart(models.TextChoices):
    """Field groups of a case record a referral can share (the receiver sees these only)."""

    IDENTITY = "identity", _("Identity (names, birth date, gender, citizenship, languages)")
    CONTACTS = "contacts", _("Contacts and address")
    DOCUMENTS = "documents", _("Identity documents")
    SCREENING = "screening", _("Screening interview")
    ELIGIBILITY = "eligibility", _("Eligibility decisions")
    CONTEXT = "context", _("Recruitment and exploitation (victim context)")
    EVENTS = "events", _("Trafficking events (places and dates)")
    GUARDIANS = "guardians", _("Guardians (minors)")


ALL_PARTS = tuple(p.value for p in RecordPart)
