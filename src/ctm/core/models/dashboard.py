"""The manager views' figures as last computed, per organization, office and language
(ctm.core.panels): the page reads one row instead of counting the organization's cases on each visit.

docs/decisions/1104-dashboard-snapshots.md says why a stored snapshot, refreshed by the job worker."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ctm.core.models.base import TenantManager


class PanelSnapshot(models.Model):
    """Every panel's table and chart (counts only, never a person) for one scope, as of `computed_at`.

    Written by `ctm.core.panels` only: by the page when no usable row exists, else by the job
    `ctm.core.domain.tasks.refresh_dashboard` that the page queues once the row is older than
    CTM_DASHBOARD_REFRESH_SECONDS (`refresh_requested_at` keeps it to one queued job per row)."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        "core.Office", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=16)
    day = models.DateField()  # the day the ages and months were counted from
    computed_at = models.DateTimeField()
    refresh_requested_at = models.DateTimeField(null=True, blank=True)
    panels = models.JSONField(default=dict)  # panel key -> {"columns", "rows", "chart", "note"}

    objects = TenantManager()  # tenant-owned without timestamps: the manager alone

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "office", "language"],
                condition=Q(office__isnull=False),
                name="panel_snapshot_office_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "language"],
                condition=Q(office__isnull=True),
                name="panel_snapshot_org_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.office_id or '-'}/{self.language} at {self.computed_at:%H:%M}"
