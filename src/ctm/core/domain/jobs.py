"""Long jobs in a background thread, started once the transaction that asked for them has committed.

The request that starts a job returns at once; the job reports its progress on its own row, which the
page reads. A thread is enough for CTM's size (one server process, a few releases, linkage runs and
estimates a month); a job interrupted by a restart is marked failed when its page is next opened (each
app's `mark_interrupted`). With `CTM_JOBS_INLINE` (tests) the job runs in the caller, at once.

Used by privacy (releases) and linkage (runs and estimates).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections, transaction

logger = logging.getLogger("ctm.jobs")
_threads: set[threading.Thread] = set()
_lock = threading.Lock()


def submit(name: str, job: Callable[[], None]) -> None:
    """Run `job` after the current transaction commits: in a thread, or inline with CTM_JOBS_INLINE."""
    if settings.CTM_JOBS_INLINE:
        job()
        return
    transaction.on_commit(lambda: _start(name, job))


def _start(name: str, job: Callable[[], None]) -> None:
    thread = threading.Thread(target=_run, args=(job,), name=name, daemon=True)
    with _lock:
        _threads.add(thread)
    thread.start()


def _run(job: Callable[[], None]) -> None:
    close_old_connections()
    try:
        job()
    except Exception as exc:  # the job records its own failures; this is the last resort
        logger.error("background job failed: %s", type(exc).__name__)
    finally:
        connections.close_all()
        with _lock:
            _threads.discard(threading.current_thread())


def wait_all(timeout: float = 600.0) -> None:
    """Wait for the jobs started by this process (tests and management commands)."""
    with _lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)
