"""A real `ctm worker` stopped (SIGTERM) while it runs a linkage: the job cleans up after itself.

A database of this module's own (the fixture of test_worker.py, instantiated again here), so that no
job left queued by the other worker tests is claimed first.
"""

from __future__ import annotations

import json
import signal
import time

import pytest

from tests.runtime.test_worker import WAIT, e2e, helper, tasks_of, worker

pytestmark = pytest.mark.slow
__all__ = ["e2e"]  # the module-scoped fixture, used by the test below


def _stop_during_linkage(env, spill, name: str) -> str:
    """Start a worker, wait until the run's DuckDB has its private spill directory, send SIGTERM; the
    worker's output."""
    proc = worker({**env, "CTM_LINKAGE_SPILL_DIR": str(spill)}, "--name", name)
    try:
        deadline = time.monotonic() + WAIT
        while not (spill.exists() and any(spill.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.2)
        (private,) = spill.iterdir()  # the run's own directory, made as DuckDB starts
        assert private.name.startswith("ctm-linkage-spill-")
        time.sleep(1)  # inside DuckDB's work (training the model), not between two steps
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output[-3000:]
    return output


def test_sigterm_during_a_linkage_removes_its_spill_directory_and_settles_the_run(e2e, tmp_path):
    """DuckDB's query is interrupted and the run's private spill directory (names and dates in clear) is
    removed by the job itself before it exits; the worker then settles the run as any interrupted job:
    queued again the first time, failed once its attempts (CTM_JOB_MAX_ATTEMPTS, 2) are spent."""
    spill = tmp_path / "spill"
    made = helper(e2e, "setup", json.dumps({"org": "ES", "people": 3000}))

    output = _stop_during_linkage(e2e, spill, "first")
    assert list(spill.iterdir()) == [], output[-3000:]
    assert "interrupted: requeued" in output, output[-3000:]
    state = helper(e2e, "state")
    run = state["run"][str(made["run"])]
    (task,) = tasks_of(state, "link_lists", made["run"])
    assert run["status"] == "queued" and task["status"] == "READY", (run, task)

    output = _stop_during_linkage(e2e, spill, "second")  # the same run, its second and last attempt
    assert list(spill.iterdir()) == [], output[-3000:]
    assert "interrupted: failed" in output, output[-3000:]
    state = helper(e2e, "state")
    run = state["run"][str(made["run"])]
    (task,) = tasks_of(state, "link_lists", made["run"])
    assert run["status"] == "failed" and "stopped before it finished" in run["error"], run
    assert task["status"] == "FAILED" and task["exception"].endswith("WorkerStopped"), task
    assert len(task["workers"]) == 2
