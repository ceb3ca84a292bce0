"""The sign of life of each `ctm worker` (read by /readyz and by the other workers).

Not tenant data: a worker serves every organization, and its row holds no identifying data (a name
given by the operator, the machine's host name, a process id and times)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)  # one per worker (default: host name)
    worker_id = models.CharField(_("worker id"), max_length=64)  # this start of the worker
    hostname = models.CharField(_("host name"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)
    running = models.PositiveIntegerField(_("jobs running"), default=0)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name
