"""Layer 0 of the directory: kinds of organization, services, populations served."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EntryType(models.TextChoices):
    POLICE = "police", _("Police or anti-trafficking unit")
    PROSECUTION = "prosecution", _("Prosecution")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    IMMIGRATION = "immigration", _("Immigration or border service")
    CONSULATE = "consulate", _("Embassy or consulate")
    NGO = "ngo", _("Non-governmental organization")
    SHELTER = "shelter", _("Shelter")
    HOTLINE = "hotline", _("Hotline")
    HEALTH = "health", _("Health")
    LEGAL_AID = "legal_aid", _("Legal aid")
    CHILD_PROTECTION = "child_protection", _("Child protection")


class Service(models.TextChoices):
    ACCOMMODATION = "accommodation", pgettext_lazy("service", "Accommodation")
    MEDICAL = "medical", pgettext_lazy("service", "Medical care")
    PSYCHOSOCIAL = "psychosocial", pgettext_lazy("service", "Psychosocial support")
    LEGAL = "legal", pgettext_lazy("service", "Legal assistance")
    INTERPRETATION = "interpretation", pgettext_lazy("service", "Interpretation")
    IDENTIFICATION = "identification", pgettext_lazy("service", "Identification and referral")
    DOCUMENTS = "documents", pgettext_lazy("service", "Travel and identity documents")
    RETURN = "return", pgettext_lazy("service", "Voluntary return")
    REINTEGRATION = "reintegration", pgettext_lazy("service", "Reintegration")
    LIVELIHOOD = "livelihood", pgettext_lazy("service", "Education, training and employment")
    FAMILY_TRACING = "family_tracing", pgettext_lazy("service", "Family tracing")
    PROTECTION = "protection", pgettext_lazy("service", "Safety and protection")
    HOTLINE = "hotline", pgettext_lazy("service", "Hotline (24 hours)")


class Population(models.TextChoices):
    ADULTS = "adults", _("Adults")
    MINORS = "minors", _("Minors")
    MEN = "men", _("Men")
    WOMEN = "women", _("Women")


class Visibility(models.TextChoices):
    SHARED = "shared", _("Shared directory (every organization)")
    PRIVATE = "private", _("Private to my organization")


# A reference names the kind of entry and its id: "s12" (shared), "p7" (private).
REF_PREFIX = {Visibility.SHARED: "s", Visibility.PRIVATE: "p"}
STALE_AFTER_DAYS = 365
