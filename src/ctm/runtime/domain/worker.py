"""`ctm worker`: runs the queued jobs (django-tasks-db's rows), each in a process of its own.

- Bounded concurrency: at most `concurrency` jobs at once (CTM_WORKER_CONCURRENCY); several workers,
  on one machine or many, share the queue through the database (a job is claimed under a row lock,
  `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive transaction on SQLite).
- A memory ceiling per job: the job's process gets `RLIMIT_DATA` (CTM_JOB_MEMORY_MB); past it an
  allocation fails (MemoryError), which the job turns into a plain message on its page. The job's
  process dies with the worker (Linux's parent-death signal): no job runs on unwatched. It runs at a
  lower CPU priority (CTM_JOB_NICE): on a shared machine the pages stay quick while a job works.
- A heartbeat row per worker (its name, default the host name), written every few seconds: /readyz
  reads it, and the other workers read it to find the jobs of a worker that stopped.
- Interrupted jobs are settled at once: when a worker stops (SIGTERM, Ctrl+C) it stops its jobs and
  settles them itself; when it was killed (power cut, SIGKILL), its next start under the same name
  settles them, or any other worker does once its heartbeat is CTM_WORKER_STALE_SECONDS old. An
  idempotent job goes back to the queue (up to CTM_JOB_MAX_ATTEMPTS runs); any other is marked failed.
- Nothing identifying is stored or logged: a failed task keeps its exception's class and the stack of
  code locations, never the exception's message (which could quote a record).

The job's own body reports its progress on its own row (the job page reads it), as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import importlib
import importlib.util
import logging
import os
import resource
import signal
import socket
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from ctm.core.domain.jobs import JobKind, kind_of
from ctm.runtime.models import WorkerHeartbeat

logger = logging.getLogger("ctm.worker")
POLL_SECONDS = 1.0


class WorkerAlreadyRunning(Exception):
    pass


class JobProcessDied(Exception):
    """The job's process ended without recording an outcome (killed, or out of memory)."""


class WorkerStopped(Exception):
    """The worker running the job stopped before it finished (a restart)."""


def default_name() -> str:
    return socket.gethostname()[:40] or "worker"


def _kind(row: DBTaskResult) -> JobKind | None:
    try:
        import_string(row.task_path)  # registers the job's kind
    except ImportError:
        return None
    return kind_of(row.task_path)


def _safe_traceback(exc: BaseException) -> str:
    """Where it failed, never what the exception said (it could quote identifying data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
    return "\n".join(["Traceback (most recent call last):", *lines, type(exc).__qualname__]) + "\n"


def record_failure(row: DBTaskResult, exc: BaseException) -> None:
    now = timezone.now()
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}",
        traceback=_safe_traceback(exc),
        return_value=None,
    )


def settle_interrupted(row: DBTaskResult, reason: BaseException) -> str:
    """A job whose worker stopped: queued again if idempotent and runs are left, else failed.

    Returns "requeued" or "failed"."""
    kind = _kind(row)
    again = bool(kind and kind.idempotent and len(row.worker_ids) < settings.CTM_JOB_MAX_ATTEMPTS)
    args = row.args_kwargs.get("args", [])
    with transaction.atomic():
        locked = DBTaskResult.objects.select_for_update().filter(pk=row.pk, status=TaskResultStatus.RUNNING).first()
        if locked is None:
            return "settled"
        if again:
            DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.READY, started_at=None)
        else:
            record_failure(locked, reason)
        if kind and args:
            kind.on_interrupted(int(args[0]), again)
    outcome = "requeued" if again else "failed"
    logger.warning("job %s (%s) interrupted: %s", row.pk, row.task_path.rsplit(".", 1)[-1], outcome)
    return outcome


def settle_abandoned(*, name: str | None = None, stale_seconds: int | None = None) -> int:
    """Settle the running jobs of workers that are gone: the earlier starts of the worker `name`, and
    every worker whose heartbeat is older than `stale_seconds` (or that never wrote one)."""
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
    if not running:
        return 0
    limit = timezone.now() - datetime.timedelta(seconds=stale_seconds or settings.CTM_WORKER_STALE_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gt=limit, stopped_at__isnull=True).values_list("worker_id", flat=True))
    settled = 0
    for row in running:
        last = row.worker_ids[-1] if row.worker_ids else ""
        mine_before = name is not None and last.startswith(f"{name}/")
        if mine_before or last not in alive:
            settle_interrupted(row, WorkerStopped())
            settled += 1
    return settled


@dataclass
class Worker:
    name: str = field(default_factory=default_name)
    concurrency: int = 1
    memory_mb: int = 0
    batch: bool = False  # run what is queued, then stop (tests, one-off runs)
    worker_id: str = ""
    children: dict[int, str] = field(default_factory=dict)  # pid -> DBTaskResult id
    running: bool = True
    last_beat: float = 0.0

    def __post_init__(self) -> None:
        self.worker_id = f"{self.name}/{os.getpid()}/{get_random_string(6)}"[:64]

    # --- life cycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Claim the name (refused while another live worker holds it), then settle its earlier jobs."""
        host, now = socket.gethostname(), timezone.now()
        with transaction.atomic():
            beat = WorkerHeartbeat.objects.select_for_update().filter(name=self.name).first()
            if beat and beat.stopped_at is None and beat.pid != os.getpid() and _alive_here(beat, host):
                raise WorkerAlreadyRunning(
                    f"a worker named {self.name!r} is already running (process {beat.pid}): give this one "
                    "another name with --name"
                )
            WorkerHeartbeat.objects.update_or_create(
                name=self.name,
                defaults={"worker_id": self.worker_id, "hostname": host, "pid": os.getpid(), "started_at": now,
                          "seen_at": now, "running": 0, "stopped_at": None},
            )  # fmt: skip
        import_jobs()
        settled = settle_abandoned(name=self.name)
        logger.info("worker %s started (%s job(s) at once); %s interrupted job(s) settled", self.name,
                    self.concurrency, settled)  # fmt: skip

    def beat(self, force: bool = False) -> None:
        if not force and time.monotonic() - self.last_beat < settings.CTM_WORKER_HEARTBEAT_SECONDS:
            return
        self.last_beat = time.monotonic()
        try:
            WorkerHeartbeat.objects.filter(name=self.name, worker_id=self.worker_id).update(
                seen_at=timezone.now(), running=len(self.children)
            )
            settle_abandoned()  # the jobs of workers elsewhere that stopped writing
        except OperationalError as exc:  # a busy SQLite: the next beat catches up
            logger.info("heartbeat not written: %s", type(exc).__name__)

    def stop(self, *_: Any) -> None:
        self.running = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.start()
        try:
            while self.running:
                self.reap()
                self.beat()
                started = self.fill()
                if self.batch and not started and not self.children:
                    break
                if not started:
                    time.sleep(POLL_SECONDS)
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop the jobs still running and settle them now (queued again or failed)."""
        for pid in list(self.children):
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while self.children and time.monotonic() < deadline:
            self.reap(block=False, interrupted=True)
            time.sleep(0.1)
        for pid in list(self.children):
            _signal(pid, signal.SIGKILL)
        self.reap(block=True, interrupted=True)
        close_old_connections()
        WorkerHeartbeat.objects.filter(name=self.name, worker_id=self.worker_id).update(
            stopped_at=timezone.now(), running=0
        )
        logger.info("worker %s stopped", self.name)

    # --- jobs ---------------------------------------------------------------------------------------

    def fill(self) -> bool:
        """Start queued jobs while slots are free; True if one was started."""
        started = False
        while self.running and len(self.children) < self.concurrency:
            row = self.claim()
            if row is None:
                break
            self.fork(row)
            started = True
        return started

    def claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(ready.db):
                row = ready.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
        except OperationalError as exc:
            logger.info("queue not read: %s", type(exc).__name__)
            return None
        return row

    def fork(self, row: DBTaskResult) -> None:
        connections.close_all()  # the child opens its own connections
        pid = os.fork()
        if pid == 0:  # the job's process
            code = 1
            try:
                code = run_job(row, self.memory_mb)
            finally:
                os._exit(code)
        self.children[pid] = str(row.pk)
        logger.info("job %s (%s) started in process %s", row.pk, row.task_path.rsplit(".", 1)[-1], pid)

    def reap(self, block: bool = False, interrupted: bool = False) -> None:
        for pid, task_id in list(self.children.items()):
            try:
                done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done == 0:
                continue
            del self.children[pid]
            code = os.waitstatus_to_exitcode(status)
            row = DBTaskResult.objects.filter(pk=task_id).first()
            if row is None:
                continue
            if row.status != TaskResultStatus.RUNNING:
                if code != 0:
                    # The job recorded its failure on the task but could not settle its own row (e.g. a
                    # MemoryError again inside the ceiling): settled here, where there is no ceiling, so
                    # that its page does not say "running" forever. Idempotent: a settled row is left.
                    logger.warning("job %s: settling its row after a failure its process could not record", task_id)
                    _give_up(row)
                continue  # the job recorded its outcome
            if interrupted:
                settle_interrupted(row, WorkerStopped())
            else:  # died by itself: killed, or a crash outside Python; never run again by itself
                logger.error("job %s: its process ended without an outcome (exit %s)", task_id, code)
                record_failure(row, JobProcessDied())
                _give_up(row)


def run_job(row: DBTaskResult, memory_mb: int) -> int:
    """In the job's own process: limits, run, record the outcome. The exit code is 0 when recorded."""
    _die_with_parent()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the worker, which stops its jobs
    if settings.CTM_JOB_NICE:
        lower_priority(settings.CTM_JOB_NICE)  # the web pages come first when both want the processor
    if memory_mb:
        # The data segment (heap and private writable memory): what a job really allocates; the address
        # space (RLIMIT_AS) would also count what DuckDB and the thread stacks only reserve.
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    try:
        return 0 if execute(row) else 2
    finally:
        connections.close_all()


AUTOGROUP = Path("/proc/self/autogroup")


def lower_priority(nice: int) -> None:
    """The job's process runs `nice` steps below the web's, in a session of its own.

    On Linux a session is a scheduling group of its own (the kernel's autogroup, on by default):
    the processor is shared between groups first, and a process's nice only counts inside its group.
    A niced job in the worker's session still got as much as the whole web server in another session
    (measured: the case page's p95 twice as slow while a run worked). So the job starts a session,
    hence a group, of its own and lowers that group's priority as well."""
    os.nice(nice)
    try:
        os.setsid()
    except OSError:  # already a session leader: its group may hold more than this job, left alone
        return
    with contextlib.suppress(OSError):  # no autogroup (another kernel, or another system)
        AUTOGROUP.write_text(str(nice))


def execute(row: DBTaskResult) -> bool:
    """Run a claimed job here and record its outcome; False if even that could not be written.

    A job body records its own failures on its row; an exception that escapes it (or its import) is
    recorded on the task, and the job's row is marked failed so that its page does not wait forever."""
    try:
        task = row.task
        result = row.task_result
        row.set_successful(task.call(*result.args, **result.kwargs))
    except SystemExit:
        # The job stopped itself on SIGTERM (the worker is stopping it) after its own clean-up: its
        # outcome is the worker's to settle (queued again or failed), as for a job killed outright.
        raise
    except BaseException as exc:
        logger.error("job %s failed: %s", row.pk, type(exc).__name__)
        try:
            record_failure(row, exc)
            _give_up(row)
        except BaseException:
            return False
    return True


def _give_up(row: DBTaskResult) -> None:
    kind = _kind(row)
    args = row.args_kwargs.get("args", [])
    if kind and args:
        kind.on_interrupted(int(args[0]), False)


def _die_with_parent() -> None:
    """Linux: this process is killed when the worker dies (even by SIGKILL), so that a job never runs
    on, unwatched, while a restarted worker settles it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the worker died before the line above
        os._exit(3)


def import_jobs() -> list[str]:
    """Import every app's `domain.tasks` (the job kinds) once, before forking: each job's process then
    starts with the engines already loaded, and an import cannot fail inside the memory ceiling."""
    found = []
    for app in apps.get_app_configs():
        name = f"{app.name}.domain.tasks"
        if importlib.util.find_spec(f"{app.name}.domain") and importlib.util.find_spec(name):
            importlib.import_module(name)
            found.append(name)
    return found


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _alive_here(beat: WorkerHeartbeat, host: str) -> bool:
    """The worker of this heartbeat is still running: on this machine, its process exists; elsewhere,
    its heartbeat is fresh."""
    limit = timezone.now() - datetime.timedelta(seconds=settings.CTM_WORKER_STALE_SECONDS)
    if beat.seen_at <= limit:
        return False
    if beat.hostname != host:
        return True
    try:
        os.kill(beat.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
