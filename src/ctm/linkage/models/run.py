"""A linkage run: the lists it linked, its scored pairs and clusters, and the clerical decisions.

Stored results hold record references (a person's id, an uploaded record's `record_id`), cluster ids
and match weights, never names or dates. Uploaded lists are identifying: encrypted at rest, deleted
with their run.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.models import TenantModel
from ctm.linkage.enums import Decision
from ctm.linkage.models.job import JobState


class LinkageRun(JobState, TenantModel):
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("label"), max_length=200)
    # [{"name": ..., "source": "persons" | "upload", "records": n}]
    lists = models.JSONField(default=list)
    settings = models.JSONField(default=dict)
    threshold = models.FloatField(_("threshold"))
    summary = models.JSONField(default=dict)
    histogram = models.JSONField(default=list)
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"Linkage run {self.pk}"

    @property
    def list_names(self) -> list[str]:
        return [item["name"] for item in self.lists]


class ListUpload(TenantModel):
    """An uploaded list (normalised to CSV), encrypted with AES-GCM; never on disk in plaintext."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="uploads")
    name = models.CharField(_("list"), max_length=100)
    rows = models.PositiveIntegerField()
    key_id = models.CharField(max_length=16)
    blob = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="linkage_upload_name_unique")]
        verbose_name = _("uploaded list")

    def __str__(self) -> str:
        return f"Uploaded list {self.pk}"


class LinkedRecord(TenantModel):
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="records")
    list_name = models.CharField(_("list"), max_length=100)
    record_id = models.CharField(_("record"), max_length=100)
    cluster_id = models.PositiveIntegerField(_("cluster"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "list_name", "record_id"], name="linkage_record_unique")
        ]
        indexes = [models.Index(fields=["run", "cluster_id"], name="linkage_record_cluster")]
        verbose_name = _("linked record")

    def __str__(self) -> str:
        return f"{self.list_name}/{self.record_id}"


class ScoredPair(TenantModel):
    """A pair the run kept (decision 0204). A run of a million records keeps about 16 million: the
    references have no foreign key constraint in the database (decision 0205: PostgreSQL checked four per
    row at commit, minutes for one run) and no index of their own where the run's (run, probability)
    index serves. The rows are written only by `stored.store_pairs`, in the transaction that writes
    their records; deleting a run deletes them first (`stored.delete_rows`); every other deletion goes
    through the ORM, which applies `on_delete` itself. `tests/linkage_platform/test_stored.py` checks
    that no pair points at a missing record, run or organization."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    run = models.ForeignKey(
        LinkageRun, on_delete=models.CASCADE, related_name="pairs", db_constraint=False, db_index=False
    )
    left = models.ForeignKey(LinkedRecord, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    right = models.ForeignKey(LinkedRecord, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    match_weight = models.FloatField(_("match weight"))
    match_probability = models.FloatField(_("match probability"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.NONE, blank=True
    )
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_constraint=False, db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["run", "match_probability"], name="linkage_pair_probability"),
            # the few decided pairs (a user's deletion sets them to nobody), not millions of empty entries
            models.Index(fields=["decided_by"], name="linkage_pair_decided_by",
                         condition=models.Q(decided_by__isnull=False)),
        ]
        verbose_name = _("scored pair")

    def __str__(self) -> str:
        return f"Pair {self.pk}"
