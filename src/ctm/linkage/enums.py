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


class JobStatus(models.TextChoices):
    """The state of a linkage run's or an estimate's background job."""

    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


RUNNING_STATES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})

# The steps of a linkage run, in order: the engine's stages (ctm.linkage.engine.LINK_STAGES) between
# reading the lists and storing the results. The page shows "step i of n" with the label.
RUN_STAGES = {
    "queued": _("Waiting to start…"),
    "reading": _("Reading the lists…"),
    "preparing": _("Preparing the names…"),
    "training": _("Training the model…"),
    "comparing": _("Comparing pairs…"),
    "clustering": _("Clustering…"),
    "storing": _("Storing the results…"),
}

# The steps of an estimate; the bootstrap reports its replicates ("Bootstrap 340/1000").
ESTIMATE_STAGES = {
    "queued": _("Waiting to start…"),
    "selecting": _("Selecting the model…"),
    "bootstrap": _("Bootstrap"),
    "sensitivity": _("Comparing the methods…"),
    "storing": _("Storing the results…"),
}
