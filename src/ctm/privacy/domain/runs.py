"""The run of a release, in the background: read the source, call the engine, store the encrypted preview.

Progress is written on the release row (throttled); any failure ends the run as `failed` with a
message for the user. Nothing about the data is logged: only the release id and the kind of error.
"""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.scopes import job_scope
from ctm.privacy.domain.common import failure
from ctm.privacy.domain.queries.releases import frame_to_bytes, release_context, upload_frame
from ctm.privacy.domain.queries.research_view import research_case_ids, research_view
from ctm.privacy.domain.spending import settle_failure
from ctm.privacy.engine import AnonymizeConfig, InputError, anonymize, normalise_table, synthesize
from ctm.privacy.engine.synth import PacSynthRefused, epsilon_spent
from ctm.privacy.enums import STAGES, DatasetSource, ReleaseMethod, ReleaseStatus
from ctm.privacy.models import Release

logger = logging.getLogger("ctm.privacy.runs")
KANON_KEYS = ("k", "qi", "sensitive", "l", "suppression_limit", "domain")
WRITE_EVERY = 1.0  # seconds between two progress writes


class Progress:
    """Writes the stage and percentage on the release row, at most once a second."""

    def __init__(self, pk: int) -> None:
        self.pk, self.last = pk, 0.0

    def stage(self, stage: str, detail: str = "", **fields: Any) -> None:
        self._write(stage=stage, progress=STAGES[stage][0], detail=detail[:200], **fields)

    def within(self, stage: str, fraction: float, detail: str) -> None:
        if time.monotonic() - self.last < WRITE_EVERY:
            return
        start, end = STAGES[stage][0], STAGES["storing"][0]
        self._write(stage=stage, progress=int(start + (end - start) * min(fraction, 0.99)), detail=detail[:200])

    def _write(self, **fields: Any) -> None:
        self.last = time.monotonic()
        Release.objects.filter(pk=self.pk, status__in=[ReleaseStatus.QUEUED, ReleaseStatus.RUNNING]).update(
            updated_at=timezone.now(), **fields
        )


def source_frame(release: Release) -> tuple[pd.DataFrame, list[int]]:
    """The source table (and, for own cases, the ids of the cases in it)."""
    dataset = release.dataset
    if dataset.source == DatasetSource.UPLOAD:
        return upload_frame(dataset), []
    day = timezone.localdate()
    by = SimpleNamespace(user=release.created_by, organization=release.organization)
    ids = research_case_ids([release.organization_id], day)
    # the engine reads strings, as from a file: the view's integer years and flags become "2021", "1"
    return normalise_table(research_view([release.organization_id], by=by, on=day)), ids


def _engine(release: Release, frame: pd.DataFrame, progress: Progress) -> tuple[pd.DataFrame, dict[str, Any]]:
    p = release.parameters
    if release.method == ReleaseMethod.SYNTHETIC:
        progress.stage("synthesizing")
        ticks = [0]

        def tick(message: str) -> None:
            ticks[0] += 1
            progress.within("synthesizing", ticks[0] / (ticks[0] + 3), message)

        return synthesize(frame, p, tick=tick)
    progress.stage("anonymizing")
    config = AnonymizeConfig.from_dict({k: p[k] for k in KANON_KEYS if k in p})
    return anonymize(
        frame[p.get("columns") or list(frame.columns)],
        config,
        progress=lambda n: progress.within("anonymizing", n / (n + 20000), str(n)),
    )


def _failure_message(exc: BaseException) -> str:
    if isinstance(exc, PacSynthRefused):  # too few records for the noise on pac-synth's record count
        return failure("pacsynth", reason=str(exc)[:200])
    if isinstance(exc, InputError | ValueError | KeyError):
        return failure("engine", reason=str(exc)[:300])
    if isinstance(exc, MemoryError):
        return failure("memory")
    return failure("unexpected", kind=type(exc).__name__)


@job_scope(Release)  # no request here: the job enters its row's organization
def run_release(pk: int) -> None:
    """The background job of one release (it runs once: a release that is not queued is left alone)."""
    release = Release.objects.select_related("dataset", "organization", "created_by").get(pk=pk)
    if release.status != ReleaseStatus.QUEUED:
        return
    progress = Progress(pk)
    progress.stage("reading", status=ReleaseStatus.RUNNING, ran_at=timezone.now())
    try:
        # reading the source measures nothing: a failure here spends nothing (the record count is shown to
        # the organization with the dataset, and is not what the mechanism protects from the public)
        frame, case_ids = source_frame(release)
        if len(frame) < 2:
            raise InputError(_("the source has fewer than two records"))
    except BaseException as exc:
        _fail(release, exc, spent=0.0)
        return
    try:
        released, report = _engine(release, frame, progress)
    except BaseException as exc:  # MemoryError, and anything a native library raises
        # the engine marks what its failure spent; an unmarked failure spends all of epsilon (fail closed)
        _fail(release, exc, spent=epsilon_spent(exc, release.epsilon or 0.0))
        return
    progress.stage("storing")
    _store(release, released, report, len(frame), case_ids)


def _fail(release: Release, exc: BaseException, *, spent: float) -> None:
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        raise exc
    logger.warning("release %s failed: %s", release.pk, type(exc).__name__)
    settle_failure(
        release.pk, _failure_message(exc), spent=spent, actor=release.created_by, states=[ReleaseStatus.RUNNING]
    )


def _store(release: Release, released: pd.DataFrame, report: dict[str, Any], source_rows: int, ids: list[int]) -> None:
    if release.method == ReleaseMethod.SYNTHETIC:
        report.pop("total_epsilon", None)
    key_id, blob = crypto.encrypt_bytes(frame_to_bytes(released), release_context(release))
    with transaction.atomic():
        Release.objects.filter(pk=release.pk, status=ReleaseStatus.RUNNING).update(
            status=ReleaseStatus.READY,
            progress=100,
            stage="done",
            detail="",
            report=report,
            rows=len(released),
            source_rows=source_rows,
            case_ids=ids,
            key_id=key_id,
            blob=blob,
            updated_at=timezone.now(),
        )
        record("privacy.release.previewed", actor=release.created_by, organization=release.organization,
               obj=release, label=release.title, changes={"rows": [None, len(released)]})  # fmt: skip

