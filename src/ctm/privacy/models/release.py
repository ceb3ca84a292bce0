"""A release: the method and parameters, the engine's run (progress, report, encrypted preview), the
second person's review, and once published the manifest of its immutable files.

A published release never changes: saving or deleting one raises, whatever the caller.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ctm.core.errors import InvalidTransition
from ctm.core.models import TenantModel
from ctm.privacy.enums import RUN_ERRORS, ReleaseMethod, ReleaseStatus


class Release(TenantModel):
    dataset = models.ForeignKey("privacy.Dataset", on_delete=models.PROTECT, related_name="releases")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("title"), max_length=200)
    method = models.CharField(_("method"), max_length=10, choices=ReleaseMethod.choices)
    # the engine's configuration under the command line's option names (k, qi, epsilon, method, ...)
    parameters = models.JSONField(default=dict)
    epsilon = models.FloatField(_("epsilon"), null=True, blank=True)  # synthetic releases only
    # what counts against the dataset's budget: all of epsilon from creation (reserved), settled once if the
    # run fails (ctm.privacy.domain.spending): 0 before any measurement of the data, the share a
    # measurement took before the failure (pac-synth's noisy count), all of it where the point is unknown
    epsilon_spent = models.FloatField(_("epsilon spent"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(max_length=20, default="queued")
    detail = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(blank=True, default="")
    ran_at = models.DateTimeField(null=True, blank=True)

    report = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(null=True, blank=True)
    source_rows = models.PositiveIntegerField(null=True, blank=True)
    # own cases: the cases in the preview (internal references, never published), checked at publishing
    case_ids = models.JSONField(default=list)
    key_id = models.CharField(max_length=16, blank=True, default="")
    blob = models.BinaryField(null=True, blank=True)  # the released table (Parquet), AES-GCM

    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True, default="")

    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    manifest = models.JSONField(default=dict)
    manifest_sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        indexes = [models.Index(fields=["status", "published_at"], name="privacy_release_published")]

    def __str__(self) -> str:
        return f"Release {self.pk}"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Release:
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status")
        return instance

    @property
    def is_published(self) -> bool:
        return getattr(self, "_stored_status", None) == ReleaseStatus.PUBLISHED

    def _refuse_if_published(self) -> None:
        if self.is_published:
            raise InvalidTransition(_("A published release never changes."))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_published()
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_published()
        return super().delete(*args, **kwargs)

    @property
    def title(self) -> str:
        """The title given, else the dataset's (in the reader's language)."""
        return self.label or self.dataset.title

    @property
    def error_text(self) -> str:
        """Why the run failed, in the reader's language (stored as a code and its values)."""
        try:
            stored = json.loads(self.error)
            return str(RUN_ERRORS[stored["code"]]) % stored.get("values", {})
        except (ValueError, KeyError, TypeError):
            return self.error  # written before errors were stored as codes

    @property
    def budget_text(self) -> str:
        """What a failed run left spent of the dataset's budget, and why, in the reader's language."""
        if self.epsilon is None:
            return gettext("Nothing was released. A k-anonymous release spends no privacy budget.")
        asked, kept = self.epsilon, self.epsilon_spent or 0.0
        values = {"asked": f"{asked:g}", "kept": f"{kept:g}", "back": f"{max(asked - kept, 0.0):g}"}
        if kept <= 0:
            return gettext(
                "Nothing was released and no privacy budget was spent: the run stopped before any measurement of "
                "the data, so its ε = %(asked)s went back to the dataset's budget."
            ) % values
        if kept < asked:
            return gettext(
                "Nothing was released, but ε = %(kept)s of the %(asked)s reserved stays spent: the run failed after "
                "a noisy measurement of the data (pac-synth's count of records), and the failure itself depends on "
                "the data through it. ε = %(back)s went back to the dataset's budget."
            ) % values
        return gettext(
            "Nothing was released, but all of ε = %(asked)s stays spent: the run failed after the mechanism had "
            "measured the data (or at a point that cannot be told), and such a failure may depend on the data."
        ) % values

    @property
    def is_synthetic(self) -> bool:
        return self.method == ReleaseMethod.SYNTHETIC
