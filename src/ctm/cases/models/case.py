"""The case: one person's path through the organization, with its owner, team and state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.cases.enums import CLOSED_STATUSES, CaseStatus, ClosureReason, Stage, TraffickingStatus
from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantManager, TenantModel


def _listed_by(field: str, name: str) -> models.Index:
    return models.Index(fields=["organization", field, "-opened_on", "-id"], name=name)


class Case(TenantModel):
    number = models.CharField(_("case number"), max_length=32, unique=True)
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey(
        "core.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases")
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="cases.CaseAssignment", related_name="assigned_cases", blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.SCREENING)
    # The day the case entered its stage (the manager views' "age in stage"): set with the stage, by
    # `ctm.cases.domain.cases.move_stage` only. Null only for rows older than the field (backfilled).
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"))
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_note = EncryptedTextField(_("closure note"), blank=True, default="")
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    is_minor = models.BooleanField(_("minor"), default=False)
    high_risk = models.BooleanField(_("high risk"), default=False)
    sensitive = models.BooleanField(_("sensitive"), default=False)
    # Non-identifying summaries kept on the case for the list filters (written by domain code only).
    trafficking_status = models.CharField(max_length=32, choices=TraffickingStatus.choices, blank=True)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    exploitation_country = models.CharField(_("country of exploitation"), max_length=2, blank=True)
    exploitation_types = models.CharField(max_length=400, blank=True, help_text="|A|B| for filtering")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        indexes = [
            # The case list: the organization's cases in the list's order, then one index per filter
            # giving its matches in that order (no sort, and counts read the index only).
            models.Index(fields=["organization", "-opened_on", "-id"], name="case_org_opened_id"),
            _listed_by("status", "case_org_status_opened"),
            _listed_by("stage", "case_org_stage_opened"),
            _listed_by("owner", "case_org_owner_opened"),
            _listed_by("office", "case_org_office_opened"),
            _listed_by("citizenship", "case_org_citizenship_opened"),
            _listed_by("exploitation_country", "case_org_country_opened"),
            _listed_by("is_minor", "case_org_minor_opened"),
            # Every filtered column: a count on several of them reads this index only (no case row).
            models.Index(
                fields=[
                    "organization",
                    "status",
                    "stage",
                    "is_minor",
                    "office",
                    "owner",
                    "citizenship",
                    "exploitation_country",
                    "exploitation_types",
                ],
                name="case_org_filters",
            ),
            # The type is matched inside "|A|B|": a count reads these small (deduplicated) indexes.
            models.Index(fields=["organization", "exploitation_types"], name="case_org_exploit_types"),
            # The manager views: open cases by stage and age in stage, per office (read from the index).
            models.Index(fields=["organization", "stage", "stage_since", "office"], name="case_org_stage_since"),
            # The manager views' counts of open cases (caseload per person and office, stages and ages):
            # the open cases only, every column they read, so PostgreSQL counts from this index alone.
            models.Index(
                fields=["organization", "office", "owner", "stage", "stage_since", "is_minor", "id"],
                condition=~models.Q(status__in=sorted(CLOSED_STATUSES)),
                name="case_open_counts",
            ),
            models.Index(
                fields=["organization", "exploitation_country", "exploitation_types"],
                name="case_org_country_types",
            ),
            # A case manager's "idle for N days" queue, counted on every case list they open.
            models.Index(
                fields=["organization", "updated_at"],
                name="case_org_open_updated",
                condition=~models.Q(status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status in (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED)

    def exploitation_type_list(self) -> list[str]:
        return [t for t in self.exploitation_types.split("|") if t]


class CaseSequence(models.Model):
    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    objects = TenantManager()  # tenant-owned without timestamps: the manager alone

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}: {self.last}"


class CaseAssignment(TenantModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_assignments"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="assignment_unique")]
        indexes = [models.Index(fields=["user", "case"], name="assignment_user_case")]

    def __str__(self) -> str:
        return f"{self.case_id}→{self.user_id}"


class CaseShare(TenantModel):
    """Access for another organization, granted against a recorded referral consent.

    `organization` is the owning organization (the tenant); `shared_with` is the receiving one.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    shared_with = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey("cases.Consent", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The case's files go with the share only when the share says so and its consent allows it
    # (`ctm.cases.domain.queries.scoping.attachments_readable`).
    includes_attachments = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["shared_with", "revoked_at"], name="share_with_active")]

    def __str__(self) -> str:
        return f"{self.case_id} shared with {self.shared_with_id}"
