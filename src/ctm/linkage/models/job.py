"""The state of a background job, shared by linkage runs and estimates: status, progress, message."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.linkage.enums import RUNNING_STATES, JobStatus


class JobState(models.Model):
    """Written by the job (ctm.linkage.domain.progress), read by the page that refreshes while it runs.

    `stage` is a code (see RUN_STAGES / ESTIMATE_STAGES) and `message` a language-neutral detail such as
    "340/1000": the page translates them. `error` is one plain sentence for the user, never a traceback.
    """

    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=20, default="queued", blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    message = models.CharField(max_length=200, blank=True, default="")
    error = models.TextField(_("error"), blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def running(self) -> bool:
        return self.status in RUNNING_STATES

    @property
    def done(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def failed(self) -> bool:
        return self.status == JobStatus.FAILED
