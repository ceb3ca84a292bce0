"""The worker settles a job's own row when the job's process could record its failure on the task only.

Seen in CI: a linkage run over its memory ceiling met a MemoryError, and a second one while it wrote
"failed" on its run; the task said failed, the run said "running" for ever. The worker (no ceiling)
settles the row when a process that recorded a failure exits non-zero."""

from __future__ import annotations

import os

import pytest

from ctm.linkage.engine import table_from_frame
from ctm.linkage.models import Estimate
from ctm.runtime.domain.worker import Worker, record_failure
from tests.linkage_platform.objects import PARAMS, SMALL_TABLE
from tests.runtime.thread_queue import DATABASE_BACKEND

pytestmark = pytest.mark.django_db


def _queued_estimate(settings, personas) -> Estimate:
    from ctm.linkage.domain.estimates import create_estimate

    settings.TASKS = DATABASE_BACKEND
    return create_estimate(by=personas.data_manager, table=table_from_frame(SMALL_TABLE), label="ceiling",
                           parameters=PARAMS)  # fmt: skip


def _child_exits(code: int) -> int:
    pid = os.fork()
    if pid == 0:  # the job's process, ending as `run_job` does when its outcome could not be written
        os._exit(code)
    return pid


def test_a_failure_the_job_could_not_settle_on_its_row_is_settled_by_the_worker(settings, personas):
    estimate = _queued_estimate(settings, personas)
    worker = Worker(name="test-settle")
    row = worker.claim()
    assert row is not None
    Estimate.objects.filter(pk=estimate.pk).update(status="running", progress=28)
    record_failure(row, MemoryError())  # written on the task; the row's own update then failed
    worker.children[_child_exits(2)] = str(row.pk)
    worker.reap(block=True)
    estimate.refresh_from_db()
    assert estimate.status == "failed" and "memory" in estimate.error


def test_a_job_that_settled_everything_is_left_alone(settings, personas):
    estimate = _queued_estimate(settings, personas)
    worker = Worker(name="test-settle")
    row = worker.claim()
    Estimate.objects.filter(pk=estimate.pk).update(status="done", progress=100)
    record_failure(row, ValueError())  # any recorded outcome; the process exits 0
    worker.children[_child_exits(0)] = str(row.pk)
    worker.reap(block=True)
    estimate.refresh_from_db()
    assert estimate.status == "done"
