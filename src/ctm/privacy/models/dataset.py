"""A source dataset of releases: the organization's own cases (one per organization) or an upload.

Each dataset has a privacy budget: the total epsilon its synthetic releases may spend together.
An uploaded dataset is identifying until anonymized: its rows are encrypted with AES-GCM (Parquet
bytes) and never written to disk in plaintext; its file name is encrypted too.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel
from ctm.privacy.enums import DatasetSource


class Dataset(TenantModel):
    source = models.CharField(_("source"), max_length=10, choices=DatasetSource.choices)
    label = models.CharField(_("label"), max_length=200)
    filename = EncryptedTextField(_("file name"), blank=True, default="")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    total_epsilon = models.FloatField(_("total epsilon"))
    # uploads only: row count, column names, SHA-256 of the content (so a re-upload shares the budget)
    rows = models.PositiveIntegerField(null=True, blank=True)
    columns = models.JSONField(default=list)
    content_digest = models.CharField(max_length=64, blank=True, default="")
    key_id = models.CharField(max_length=16, blank=True, default="")
    blob = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["source", "-created_at", "-id"]
        verbose_name = _("source dataset")
        verbose_name_plural = _("source datasets")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(source="cases"),
                name="privacy_one_cases_dataset_per_org",
            ),
            models.UniqueConstraint(
                fields=["organization", "content_digest"],
                condition=models.Q(source="upload"),
                name="privacy_upload_digest_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Dataset {self.pk}"

    @property
    def title(self) -> str:
        """The label given, else words made at display, in the reader's language (never stored)."""
        if self.label:
            return self.label
        if self.source == DatasetSource.CASES:
            return str(DatasetSource.CASES.label)
        return gettext("Upload of %(date)s: %(rows)s rows, %(columns)s columns") % {
            "date": self.created_at.date().isoformat() if self.created_at else "",
            "rows": f"{self.rows or 0:,}",
            "columns": len(self.columns),
        }
