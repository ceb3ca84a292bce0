"""Layer 0 of reintegration: kinds of durable solution, their states, reintegration assistance,
monitoring outcomes and the dimensions of the sustainability score."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ctm.cases.enums import ConsentScope


class SolutionKind(models.TextChoices):
    """A durable solution: going home, staying, or (in extreme cases) moving on to a third country."""

    RETURN = "return", pgettext_lazy("voluntary return", "Voluntary return")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")
    RESETTLEMENT = "resettlement", _("Resettlement in a third country")


# The consent (cases.Consent scope) a durable solution needs: moving the person needs their consent to
# the return (or onward move); staying needs their consent to assistance.
REQUIRED_CONSENT: dict[str, str] = {
    SolutionKind.RETURN: ConsentScope.RETURN,
    SolutionKind.RESETTLEMENT: ConsentScope.RETURN,
    SolutionKind.LOCAL_INTEGRATION: ConsentScope.ASSISTANCE,
}
TRAVELS = frozenset({SolutionKind.RETURN, SolutionKind.RESETTLEMENT})


class SolutionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")  # for local integration: settled
    CANCELLED = "cancelled", _("Cancelled")


class FitToTravel(models.TextChoices):
    FIT = "fit", _("Fit to travel")
    FIT_WITH_ESCORT = "fit_with_escort", _("Fit to travel with a medical escort")
    NOT_FIT = "not_fit", _("Not fit to travel")


class TravelDocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    EMERGENCY = "emergency", _("Emergency travel document (laissez-passer)")
    VISA = "visa", _("Visa")
    EXIT_PERMIT = "exit_permit", _("Exit permit")
    OTHER = "other", pgettext_lazy("travel document", "Other")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    OBTAINED = "obtained", _("Obtained")


class TravelMode(models.TextChoices):
    AIR = "air", _("Air")
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    SEA = "sea", _("Sea")


class AssistanceKind(models.TextChoices):
    ALLOWANCE = "allowance", _("Allowance")
    MICRO_BUSINESS = "micro_business", _("Micro-business grant")
    EDUCATION = "education", _("Education and training")
    HOUSING = "housing", _("Housing")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Counselling and psychosocial support")
    FAMILY_MEDIATION = "family_mediation", _("Family mediation")
    OTHER = "other", pgettext_lazy("reintegration assistance", "Other")


class AssistanceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Milestone(models.TextChoices):
    MONTH_3 = "3", _("3 months after arrival")
    MONTH_6 = "6", _("6 months after arrival")
    MONTH_12 = "12", _("12 months after arrival")
    OTHER = "other", _("Another visit")


class Outcome(models.TextChoices):
    """What the visit found (HTCDS has no field for it; the two outcomes the issue names, and the rest)."""

    STAYING = "staying", _("Staying, reintegrating")
    RE_MIGRATED = "re_migrated", _("Migrated again")
    RE_TRAFFICKED = "re_trafficked", _("Re-trafficked")
    LOST_CONTACT = "lost_contact", _("Lost contact")


class ClosureCheck(models.TextChoices):
    """What the person closing a case confirms (the open services and tasks are counted for them)."""

    PERSON_INFORMED = "person_informed", _("The person was told the case is being closed and how to come back")
    SERVICES_SETTLED = "services_settled", _("Every service is delivered, refused or cancelled")
    MONITORING_DONE = "monitoring_done", _("Monitoring is complete, or the reason to stop is recorded")
    REFERRALS_CLOSED = "referrals_closed", _("Referrals are answered and partners told")
    RECORDS_REVIEWED = "records_reviewed", _("The record is reviewed: consents, files, notes")
