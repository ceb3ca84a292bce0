"""Layer 0 of linkage: value lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    """A clerical reviewer's decision on a scored pair."""

    NONE = "", _("Not reviewed")
    ACCEPTED = "accepted", _("Same person")
    REJECTED = "rejected", _("Different people")


class EstimateSource(models.TextChoices):
    UPLOAD = "upload", _("An uploaded overlap table")
    RUN = "run", _("The clusters of a linkage run")


METHOD_LABELS = {
    "stepwise": _("Stepwise by p-value (SparseMSE, default)"),
    "aic": _("Stepwise by AIC (Rcapture, UK 2014)"),
    "bic": _("Best BIC over hierarchical models"),
    "main": _("Main effects only (independent lists)"),
}
