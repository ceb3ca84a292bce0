"""The progress of a background run or estimate, written on its own row for the page to read.

A write also touches `updated_at`: the job's sign of life (see `interrupt`). Writes within a step are
throttled (at most one a second); a new step is always written. Only a queued or running row is
written, so a job marked interrupted meanwhile cannot bring itself back. A progress write that meets
a busy database (SQLite locked by a request) is skipped: the job goes on, the next write catches up.
"""

from __future__ import annotations

import datetime
import logging
import time
from typing import Any

from django.conf import settings
from django.db import OperationalError, models, transaction
from django.utils import timezone

from ctm.core.domain.activity import record
from ctm.linkage.enums import RUNNING_STATES, JobStatus

logger = logging.getLogger("ctm.linkage.jobs")
WRITE_EVERY = 1.0  # seconds between two writes within a step


def even_steps(stages: list[str]) -> dict[str, int]:
    """Step i of n reached: i/n done (the queue is step 0)."""
    return {stage: 100 * i // len(stages) for i, stage in enumerate(stages)}


class Progress:
    """`stage(code)` moves on to a step (`stages` maps each, in order, to the percentage done when it
    begins); `count(code, done, total)` reports a counted step, from its percentage to the next one's."""

    def __init__(self, model: type[models.Model], pk: int, stages: dict[str, int]) -> None:
        self.model, self.pk, self.stages = model, pk, stages
        self.current, self.last = "", 0.0

    def start(self, stage: str) -> None:
        self.current = stage
        self._write(
            status=JobStatus.RUNNING, stage=stage, progress=self.stages[stage], message="",
            started_at=timezone.now(),
        )  # fmt: skip

    def stage(self, stage: str) -> None:
        if stage == self.current:
            return
        self.current = stage
        self._write(stage=stage, progress=self.stages[stage], message="")

    def count(self, stage: str, done: int, total: int) -> None:
        if stage == self.current and done < total and time.monotonic() - self.last < WRITE_EVERY:
            return
        self.current = stage
        start, end = self.stages[stage], self._next(stage)
        share = done / total if total else 1.0
        self._write(stage=stage, progress=int(start + (end - start) * share), message=f"{done}/{total}")

    def _next(self, stage: str) -> int:
        return min((p for p in self.stages.values() if p > self.stages[stage]), default=100)

    def _write(self, **fields: Any) -> None:
        self.last = time.monotonic()
        try:
            with transaction.atomic():  # a savepoint when the job runs inline, in the request
                self.model._default_manager.filter(pk=self.pk, status__in=list(RUNNING_STATES)).update(
                    updated_at=timezone.now(), **fields
                )
        except OperationalError as exc:
            logger.info("progress of %s %s not written: %s", self.model.__name__, self.pk, type(exc).__name__)


def finish(obj: Any, **fields: Any) -> bool:
    """Mark a job done with its results (in the caller's transaction); False when it was not queued or
    running any more (marked interrupted meanwhile): then nothing is written."""
    now = timezone.now()
    changed = type(obj)._default_manager.filter(pk=obj.pk, status__in=list(RUNNING_STATES)).update(
        status=JobStatus.DONE, stage="", progress=100, message="", finished_at=now, updated_at=now, **fields
    )
    return bool(changed)


def fail(obj: Any, message: str, action: str) -> bool:
    """Mark a queued or running job failed with a plain message for the user, and log it."""
    now = timezone.now()
    with transaction.atomic():
        changed = type(obj)._default_manager.filter(pk=obj.pk, status__in=list(RUNNING_STATES)).update(
            status=JobStatus.FAILED, error=message, finished_at=now, updated_at=now
        )
        if changed:
            record(action, actor=obj.created_by, organization=obj.organization, obj=obj, label=obj.label)
    return bool(changed)


def stale_limit() -> datetime.datetime:
    """A job silent since before this moment was interrupted (a restart)."""
    return timezone.now() - datetime.timedelta(minutes=settings.CTM_JOB_STALE_MINUTES)


def interrupt(obj: Any, message: str, action: str) -> bool:
    """A running job with no sign of life for CTM_JOB_STALE_MINUTES was interrupted: failed.

    Called when its page is opened: the last resort, when no worker came back to say so (`ctm worker`
    settles the jobs of a worker that stopped as soon as it or another worker starts). A queued job is
    left alone: it waits for a worker. The log entry has no actor: nobody did it."""
    limit = stale_limit()
    if obj.status != JobStatus.RUNNING or obj.updated_at > limit:
        return False
    now = timezone.now()
    with transaction.atomic():
        changed = type(obj)._default_manager.filter(
            pk=obj.pk, status=JobStatus.RUNNING, updated_at__lte=limit
        ).update(status=JobStatus.FAILED, error=message, finished_at=now, updated_at=now)
        if changed:
            record(action, actor=None, organization=obj.organization, obj=obj, label=obj.label)
    if changed:
        obj.refresh_from_db()
    return bool(changed)


def abandon(model: type[models.Model], pk: int, message: str, action: str) -> Any:
    """The worker running this job stopped (a restart): mark it failed at once. The job's row, or None
    when it was not queued or running any more."""
    now = timezone.now()
    with transaction.atomic():
        obj = model._default_manager.select_for_update().filter(pk=pk, status__in=list(RUNNING_STATES)).first()
        if obj is None:
            return None
        type(obj)._default_manager.filter(pk=pk).update(
            status=JobStatus.FAILED, error=message, finished_at=now, updated_at=now
        )
        record(action, actor=None, organization=obj.organization, obj=obj, label=obj.label)
    return obj


def requeue(model: type[models.Model], pk: int) -> bool:
    """The worker running this (idempotent) job stopped: back to the queue, to be run again from the
    start. Nothing it did is kept: it stores its results only when it finishes."""
    changed = model._default_manager.filter(pk=pk, status__in=list(RUNNING_STATES)).update(
        status=JobStatus.QUEUED, stage="queued", progress=0, message="", updated_at=timezone.now()
    )
    return bool(changed)
