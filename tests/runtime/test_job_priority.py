"""A job's process gives way to the web's: lower nice, and on Linux a scheduling group of its own.

Linux shares the processor between sessions (autogroups) before it looks at a process's nice: a
niced job in the worker's session got as much processor as the whole web server in its own session,
and the case page's p95 doubled while a linkage run worked (docs/benchmarks.md, job isolation)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ctm.runtime.domain import worker

AUTOGROUP = Path("/proc/self/autogroup")


def _in_a_child(nice: int) -> dict:
    """lower_priority(nice) in a forked process (as the worker forks a job); what it then looks like."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            worker.lower_priority(nice)
            group = AUTOGROUP.read_text() if AUTOGROUP.exists() else ""
            facts = {"sid": os.getsid(0), "nice": os.getpriority(os.PRIO_PROCESS, 0), "group": group}
            os.write(write, json.dumps(facts).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        facts = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return facts


def test_a_job_runs_niced_in_a_session_and_scheduling_group_of_its_own():
    before = os.getpriority(os.PRIO_PROCESS, 0)
    ours = AUTOGROUP.read_text() if AUTOGROUP.exists() else ""
    facts = _in_a_child(7)
    assert facts["nice"] == min(before + 7, 19)
    assert facts["sid"] != os.getsid(0), "the job shares the worker's session, so its scheduling group"
    if not AUTOGROUP.exists():
        pytest.skip("no autogroup on this kernel: sessions are not scheduling groups here")
    assert facts["group"].split()[-1] == "7", facts["group"]
    assert AUTOGROUP.read_text() == ours, "the worker's own group (maybe the web's too) was lowered"
