"""The privacy app's long job on the queue (`ctm worker`): the run of a release.

Not idempotent: a synthetic release is drawn at random (and spends its ε once), so a run interrupted by
a restart is marked failed, its budget given back, and never run again by itself (see
ctm.core.domain.jobs). The body is `runs.run_release`, unchanged."""

from __future__ import annotations

from ctm.core.domain.jobs import job


def _after_interruption(release_id: int, again: bool) -> None:
    from ctm.privacy.domain.releases import after_interruption

    after_interruption(release_id, again)


@job(idempotent=False, on_interrupted=_after_interruption)
def run_release(release_id: int) -> None:
    from ctm.privacy.domain.runs import run_release as body  # the run imports the engines: only here

    body(release_id)
