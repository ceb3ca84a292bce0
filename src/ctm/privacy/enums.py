"""Layer 0 of privacy: the states of a release, its methods, the CTDC columns and the published files."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatasetSource(models.TextChoices):
    CASES = "cases", _("Our own cases (research view)")
    UPLOAD = "upload", _("An uploaded dataset in the CTDC schema")


class ReleaseMethod(models.TextChoices):
    KANON = "kanon", _("k-anonymity (generalization and suppression)")
    SYNTHETIC = "synthetic", _("Differentially private synthetic data")


class ReleaseStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Failed")
    READY = "ready", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Published")


RUNNING_STATES = frozenset({ReleaseStatus.QUEUED, ReleaseStatus.RUNNING})


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


# The engine's synthesis methods (ctm.privacy.engine.METHODS), CTM's recommendation first.
SYNTHESIS_METHODS = {
    "mst-plus": _("Recommended: MST+ (marginals with extra pairs)"),
    "mst": _("MST (maximum spanning tree of 2-way marginals)"),
    "aim": _("AIM (adaptive and iterative marginals)"),
    "pacsynth": _("pac-synth (CTDC's method, Synthetic Data Showcase)"),
}

# Why a run failed: the release stores the code and its values, the page words it in the reader's language.
RUN_ERRORS = {
    "engine": _("The engine could not make this release: %(reason)s"),
    "pacsynth": _(
        "The synthesizer stopped: %(reason)s. With few records pac-synth can fail: try a larger ε, another method or more records."
    ),
    "memory": _("The run needed more memory than the server has: choose fewer columns or records."),
    "unexpected": _("An unexpected error stopped the run (%(kind)s). Nothing was released."),
    "interrupted": _(
        "The run stopped before it finished (the server restarted, or it needed more memory than a job may use). Nothing was released; prepare it again."
    ),
    "stale": _("The run was interrupted (the server restarted?). Nothing was released; prepare it again."),
}

# The progress of a run: (percent reached when the stage starts, label).
STAGES = {
    "queued": (0, _("Waiting for a worker")),
    "reading": (5, _("Reading the source data")),
    "anonymizing": (15, _("Searching the generalization lattice")),
    "synthesizing": (15, _("Fitting the model and drawing synthetic records")),
    "storing": (90, _("Storing the encrypted preview")),
    "done": (100, _("Done")),
}

# Columns of CTDC's global k-anonymized dataset (the schema of the research view and of uploads).
CTDC_COLUMNS = (
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "majorityStatusAtExploit",
    "majorityEntry", "citizenship", "meansOfControlDebtBondage", "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess", "meansOfControlThreats", "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse", "meansOfControlSexualAbuse", "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances", "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare", "meansOfControlExcessiveWorkingHours", "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement", "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments", "meansOfControlOther", "meansOfControlNotSpecified",
    "meansOfControlConcatenated", "isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour",
    "isForcedMarriage", "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices",
    "typeOfExploitConcatenated", "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourBegging",
    "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities", "typeOfLabourManufacturing", "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling", "typeOfLabourTransportation", "typeOfLabourOther", "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated", "typeOfSexProstitution", "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices", "typeOfSexPrivateSexualServices", "typeOfSexConcatenated",
    "isAbduction", "RecruiterRelationship", "CountryOfExploitation", "recruiterRelationIntimatePartner",
    "recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther", "recruiterRelationUnknown",
)  # fmt: skip

# The ten columns of the synthetic benchmark: the form's starting point.
DEFAULT_COLUMNS = (
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
    "CountryOfExploitation", "typeOfExploitConcatenated", "RecruiterRelationship", "isAbduction",
)  # fmt: skip
DEFAULT_QI = ("gender", "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation", "yearOfRegistration")

# The files of a published release, in the order of the manifest, with their content types.
PUBLISHED_FILES = {
    "data.csv": "text/csv; charset=utf-8",
    "data.parquet": "application/vnd.apache.parquet",
    "dictionary.csv": "text/csv; charset=utf-8",
    "report.html": "text/html; charset=utf-8",
    "report.pdf": "application/pdf",
    "manifest.json": "application/json",
}
