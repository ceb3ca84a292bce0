"""A real `ctm worker` process, end to end, on the database the suite runs on (SQLite or PostgreSQL).

The jobs are queued by the same domain functions as the pages, in a database of the test's own (a
file for SQLite, a database created and dropped by the test on PostgreSQL: the worker is another
process and cannot see the test's transaction); the worker then runs as `ctm worker`, and a job
interrupted by a restart (SIGKILL, SIGTERM) is settled on the worker's next start.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "runtime" / "e2e.py"
CTM = [sys.executable, "-m", "ctm.cli"]
WAIT = 240

pytestmark = pytest.mark.slow


def _postgres_url() -> str | None:
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        return None
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.fixture(scope="module")
def e2e(tmp_path_factory):
    """Environment of the helper processes: a fresh, migrated database of this module's own."""
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "CTM_VAR_DIR": str(var), "CTM_LOG_LEVEL": "INFO", "CTM_WORKER_HEARTBEAT_SECONDS": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}  # fmt: skip
    env.pop("CTM_TASKS_BACKEND", None)
    base = _postgres_url()
    name = None
    if base is None:
        env["CTM_DATABASE_URL"] = f"sqlite:///{var / 'e2e.sqlite3'}"
    else:
        import psycopg

        name = f"{settings.DATABASES['default']['NAME']}_e2e_worker"[:60]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left by an aborted run of this test
            conn.execute(f'CREATE DATABASE "{name}"')
        env["CTM_DATABASE_URL"] = f"{base}/{name}"
    subprocess.run([*CTM, "migrate", "-v0"], env=env, check=True, timeout=600)
    yield env
    if name is not None:
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def helper(env, *args) -> dict:
    out = subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def worker(env, *args) -> subprocess.Popen:
    return subprocess.Popen([*CTM, "worker", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)  # fmt: skip


def wait_for(env, predicate, what: str) -> dict:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        state = helper(env, "state")
        if predicate(state):
            return state
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}: {json.dumps(state)[:2000]}")


def tasks_of(state, name, pk):
    return [t for t in state["tasks"] if t["task"] == name and t["args"][0] == pk]


def test_the_worker_runs_each_kind_of_job_and_stops_when_asked(e2e):
    made = helper(e2e, "setup", json.dumps({"org": "EA", "estimate": 20, "people": 60, "release": True}))
    state = helper(e2e, "state")
    assert state["estimate"][str(made["estimate"])]["status"] == "queued"  # nothing runs in the request
    proc = worker(e2e, "--batch", "--concurrency", "2", "--name", "batch-a")
    output, _ = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, output
    state = helper(e2e, "state")
    assert state["estimate"][str(made["estimate"])] == {"status": "done", "error": "", "progress": 100}
    assert state["run"][str(made["run"])]["status"] == "done", state["run"]
    assert state["release"][str(made["release"])]["status"] == "ready", state["release"]
    for name, pk in (("estimate_population", made["estimate"]), ("link_lists", made["run"]), ("run_release", made["release"])):
        (task,) = tasks_of(state, name, pk)
        assert task["status"] == "SUCCESSFUL" and len(task["workers"]) == 1
    assert {"name": "batch-a", "stopped": True} in [{k: w[k] for k in ("name", "stopped")} for w in state["workers"]]


def test_a_killed_worker_s_jobs_are_settled_at_its_next_start(e2e):
    """SIGKILL (a power cut): the job's process dies with the worker; at the next start the idempotent
    estimate is queued again and finishes; a release cut off the same way is marked failed, never rerun."""
    made = helper(e2e, "setup", json.dumps({"org": "EB", "estimate": 40000}))
    proc = worker(e2e, "--name", "killed")
    try:
        wait_for(e2e, lambda s: s["estimate"][str(made["estimate"])]["progress"] > 5, "the bootstrap to start")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    time.sleep(1)
    state = helper(e2e, "state")
    (task,) = tasks_of(state, "estimate_population", made["estimate"])
    assert task["status"] == "RUNNING" and state["estimate"][str(made["estimate"])]["status"] == "running"
    progress_then = state["estimate"][str(made["estimate"])]["progress"]
    time.sleep(2)  # the job's process died with its worker: nothing moves any more
    assert helper(e2e, "state")["estimate"][str(made["estimate"])]["progress"] == progress_then
    # a release left running by a worker that is gone (the same state a kill leaves)
    release = helper(e2e, "setup", json.dumps({"org": "EC", "release": True}))["release"]
    _claim_as_ghost(e2e, release)
    proc = worker(e2e, "--batch", "--name", "killed")
    output, _ = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, output
    state = helper(e2e, "state")
    assert state["estimate"][str(made["estimate"])]["status"] == "done", state["estimate"]
    (task,) = tasks_of(state, "estimate_population", made["estimate"])
    assert task["status"] == "SUCCESSFUL" and len(task["workers"]) == 2  # run again, once
    rel = state["release"][str(release)]
    assert rel["status"] == "failed" and "stopped before it finished" in rel["error"]
    (task,) = tasks_of(state, "run_release", release)
    assert task["status"] == "FAILED" and task["exception"].endswith("WorkerStopped")


def test_sigterm_stops_the_running_job_and_queues_it_again(e2e):
    made = helper(e2e, "setup", json.dumps({"org": "ED", "estimate": 40000}))  # long enough to be cut off
    proc = worker(e2e, "--name", "stopped")
    wait_for(e2e, lambda s: s["estimate"][str(made["estimate"])]["progress"] > 5, "the bootstrap to start")
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert time.monotonic() - started < 30  # it does not wait for the job to finish
    state = helper(e2e, "state")
    assert state["estimate"][str(made["estimate"])]["status"] == "queued"
    (task,) = tasks_of(state, "estimate_population", made["estimate"])
    assert task["status"] == "READY"
    assert "interrupted: requeued" in output


def test_a_second_worker_with_the_same_name_is_refused(e2e):
    first = worker(e2e, "--name", "twin")
    try:
        wait_for(e2e, lambda s: any(w["name"] == "twin" and not w["stopped"] for w in s["workers"]), "the first worker")
        second = subprocess.run([*CTM, "worker", "--name", "twin", "--batch"], env=e2e, capture_output=True, text=True, timeout=WAIT)
        assert second.returncode != 0 and "already running" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)


def test_a_job_over_the_memory_ceiling_fails_with_a_plain_message(e2e):
    made = helper(e2e, "setup", json.dumps({"org": "EE", "people": 3000}))
    proc = worker(e2e, "--batch", "--name", "small", "--memory-mb", "450")
    output, _ = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, output
    state = helper(e2e, "state")
    run = state["run"][str(made["run"])]
    assert run["status"] == "failed" and "memory" in run["error"], (run, output[-3000:])
    (task,) = tasks_of(state, "link_lists", made["run"])
    assert "Olga" not in task["traceback"]  # a failed task keeps code locations only


def _claim_as_ghost(env, release_id: int) -> None:
    code = "\n".join([
        "import django; django.setup()",
        "from django_tasks_db.models import DBTaskResult",
        "from ctm.core.scopes import scopes_disabled",
        "from ctm.privacy.models import Release",
        "with scopes_disabled():  # a probe standing in for a gone machine, outside any request",
        f"    t = DBTaskResult.objects.get(args_kwargs__args=[{release_id}], task_path__endswith='run_release')",
        "    t.claim('gone-machine/4242/abcdef')",
        f"    Release.objects.filter(pk={release_id}).update(status='running')",
    ])
    subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                   check=True, timeout=120)  # fmt: skip
