"""The linkage app's long jobs on the queue (`ctm worker`): a linkage run and an estimate.

Both are idempotent: the job starts only from `queued`, and stores its result in one transaction only
while its row is `running`; so one interrupted by a restart is queued again (see ctm.core.domain.jobs).
The bodies are `run_job.run_linkage` and `estimate_job.run_estimate`, unchanged."""

from __future__ import annotations

from ctm.core.domain.jobs import job
from ctm.linkage.domain import estimate_job, run_job


@job(idempotent=True, on_interrupted=run_job.after_interruption)
def link_lists(run_id: int, language: str | None = None) -> None:
    run_job.run_linkage(run_id, language)


@job(idempotent=True, on_interrupted=estimate_job.after_interruption)
def estimate_population(estimate_id: int, language: str | None = None) -> None:
    estimate_job.run_estimate(estimate_id, language)
