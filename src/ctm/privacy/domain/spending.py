"""A failed run settles its epsilon once: what it may have disclosed stays spent, the rest goes back.

A synthetic release reserves all of its epsilon when it is created (`Release.epsilon_spent`). If its run
fails, the failure is itself an outcome that a retry would select against, so the budget keeps exactly
the part of the mechanism that touched the data before the failure (the engine marks its errors:
``ctm.privacy.engine.synth.epsilon_spent``): nothing for a failure before any measurement (the source
could not be read, parameters or domain refused), pac-synth's count share when its noisy count of
records came out negative, all of epsilon where the point is unknown (fail closed).

The settlement is a transition of the release (running → failed) under a row lock: a replay of the
failure path, a second worker or a concurrent interruption finds the release no longer running and
changes nothing, so no run is ever refunded twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ctm.core.domain.activity import record
from ctm.privacy.enums import RUNNING_STATES, ReleaseStatus
from ctm.privacy.models import Release

Spent = float | Callable[[Release], float]


def settle_failure(
    pk: int,
    message: str,
    *,
    spent: Spent,
    action: str = "privacy.release.failed",
    actor: Any = None,
    states: Iterable[str] = RUNNING_STATES,
    stale_before: datetime.datetime | None = None,
) -> Release | None:
    """End the run of release ``pk`` as failed with ``message`` and keep ``spent`` of its epsilon (a number,
    or a function of the locked release); ``None`` if it was no longer in ``states`` (already settled)."""
    with transaction.atomic():
        found = Release.objects.select_for_update().filter(pk=pk, status__in=list(states))
        if stale_before is not None:
            found = found.filter(updated_at__lte=stale_before)
        release = found.select_related("organization", "created_by", "dataset").first()
        if release is None:
            return None
        kept = None
        if release.epsilon is not None:
            wanted = spent(release) if callable(spent) else spent
            kept = min(max(float(wanted), 0.0), release.epsilon)
        before = release.status
        Release.objects.filter(pk=pk).update(
            status=ReleaseStatus.FAILED, error=message, epsilon_spent=kept, updated_at=timezone.now()
        )
        changes: dict[str, Any] = {"status": [before, ReleaseStatus.FAILED]}
        if kept is not None:
            changes["epsilon_spent"] = [release.epsilon, kept]
        record(action, actor=actor, organization=release.organization, obj=release, label=release.title,
               changes=changes)  # fmt: skip
        release.status, release.error, release.epsilon_spent = ReleaseStatus.FAILED, message, kept
        return release


def spent_if_measuring(release: Release) -> float:
    """An interrupted run: all of epsilon if it had reached the mechanism (the interruption — a worker killed
    for its memory — may depend on the data), nothing if it was still waiting or reading the source."""
    return 0.0 if release.stage in ("queued", "reading") else (release.epsilon or 0.0)
