"""The background job of a linkage run: read the lists, link them with the engine, store the references.

The lists are decrypted in memory only. Progress is written on the run row step by step (the engine
reports its stages); any failure ends the run as `failed` with one plain sentence for the user, and
its uploaded lists are deleted (a failed run is never linked again). Nothing about the data is logged:
only the run id and the kind of error.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from splink.internals.exceptions import SplinkException

from ctm.core.errors import InvalidTransition
from ctm.core.scopes import job_scope
from ctm.linkage.domain.common import log
from ctm.linkage.domain.progress import Progress, abandon, even_steps, fail, finish, interrupt, requeue
from ctm.linkage.domain.queries.records import PERSONS, person_records, upload_frame
from ctm.linkage.domain.stored import store_pairs, store_records
from ctm.linkage.engine import (
    LINK_STAGES,
    LinkageInputError,
    LinkResult,
    LinkSettings,
    interrupt_running,
    link_lists,
)
from ctm.linkage.enums import JobStatus
from ctm.linkage.models import LinkageRun, ListUpload

logger = logging.getLogger("ctm.linkage.jobs")
STEPS = even_steps(["queued", "reading", *LINK_STAGES, "storing"])  # each has its label in RUN_STAGES


@job_scope(LinkageRun)  # no request here: the job enters its row's organization
def run_linkage(pk: int, language: str | None = None) -> None:
    """The job of one run (it runs once: a run that is not queued is left alone)."""
    run = LinkageRun.objects.select_related("organization", "created_by").get(pk=pk)
    if run.status != JobStatus.QUEUED:
        return
    with translation.override(language), _stopped_by_sigterm() as stop:
        progress = Progress(LinkageRun, pk, STEPS)
        progress.start("reading")
        try:
            frames = _read_lists(run)
            settings = LinkSettings(threshold=run.threshold, seed=_seed(run),
                                    unique_lists=bool((run.settings or {}).get("unique_lists")),
                                    memory_limit=_memory_limit(), spill_root=django_settings.CTM_LINKAGE_SPILL_DIR,
                                    threads=job_threads())
            result = link_lists(frames, settings, progress=progress.stage)
            progress.stage("storing")
            _store(run, frames, result)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            if stop.is_set():  # DuckDB answers an interrupted query with its own error: not a failure
                raise SystemExit(128 + signal.SIGTERM) from None
            logger.warning("linkage run %s failed: %s", pk, type(exc).__name__)
            _fail(run, failure_message(exc))


@contextlib.contextmanager
def _stopped_by_sigterm() -> Iterator[threading.Event]:
    """While the job runs, SIGTERM (the worker stopping its jobs) ends it cleanly instead of killing it:
    DuckDB's query is interrupted and SystemExit unwinds the engine, whose `finally` closes DuckDB and
    removes the run's private spill directory (names and dates in clear) before the process exits. The
    run is left `running` for the worker to settle as for any interrupted job (queued again, or failed
    once its attempts are spent). Outside the main thread (no signals there) nothing changes."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def on_sigterm(signum: int, frame: Any) -> None:
        stop.set()
        interrupt_running()
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, previous)


def _memory_limit() -> str | None:
    """DuckDB's memory limit for a linkage job (CTM_LINKAGE_MEMORY_MB; 0: DuckDB's default)."""
    megabytes = django_settings.CTM_LINKAGE_MEMORY_MB
    return f"{megabytes}MB" if megabytes > 0 else None


def job_threads() -> int | None:
    """DuckDB's threads for a linkage job: CTM_LINKAGE_THREADS; by default every core but one, so that
    the web pages keep a core to themselves while a run works (None: DuckDB's default, every core)."""
    threads = django_settings.CTM_LINKAGE_THREADS
    if threads < 0:
        threads = max(1, (os.cpu_count() or 1) - 1)
    return threads or None


def _seed(run: LinkageRun) -> int:
    return int((run.settings or {}).get("seed", 42))


def _read_lists(run: LinkageRun) -> dict[str, pd.DataFrame]:
    """The run's lists in their order: the organization's persons (read now) and the uploads."""
    uploads = {u.name: u for u in ListUpload.objects.filter(run=run)}
    frames: dict[str, pd.DataFrame] = {}
    for item in run.lists:
        if item["source"] == PERSONS:
            frames[item["name"]] = person_records(run.organization_id)
        else:
            frames[item["name"]] = upload_frame(uploads[item["name"]])
    return frames


def failure_message(exc: BaseException) -> str:
    """One plain sentence: the engine's own reason for a bad input, never a traceback or a record."""
    if isinstance(exc, InvalidTransition):
        return " ".join(exc.messages)
    if isinstance(exc, LinkageInputError):
        reason = " ".join(str(exc).split())[:300]
        return _("The lists could not be linked: %(reason)s") % {"reason": reason}
    if _out_of_memory(exc):
        return _("The run needed more memory than the server has: link fewer or smaller lists.")
    if isinstance(exc, SplinkException | ValueError | ZeroDivisionError):
        # splink refuses some small or uniform lists (e.g. no pair for an EM training rule)
        return _(
            "The lists could not be linked: the model could not be trained on them (they may be too small or too alike). Add records or lists and start a new run."
        )
    return _("An unexpected error stopped the run (%(kind)s). Nothing was linked.") % {"kind": type(exc).__name__}


def _out_of_memory(exc: BaseException | None) -> bool:
    """Memory ran out somewhere below: splink wraps DuckDB's errors (and a MemoryError met inside a
    query) in its own exception, so the whole chain of causes is looked at."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryException":  # DuckDB's own
            return True
        if "out of memory" in str(exc).lower() or "memoryerror" in str(exc).lower():
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _fail(run: LinkageRun, message: str) -> None:
    with transaction.atomic():
        if fail(run, message, "linkage.run.failed"):
            ListUpload.objects.filter(run=run).delete()


def mark_interrupted(run: LinkageRun) -> bool:
    """A run with no sign of life for CTM_JOB_STALE_MINUTES was interrupted (a restart): failed."""
    message = _("The run was interrupted (the server restarted?). Nothing was linked; start a new run.")
    with transaction.atomic():
        if not interrupt(run, message, "linkage.run.interrupted"):
            return False
        ListUpload.objects.filter(run=run).delete()
    return True


@job_scope(LinkageRun)  # run by the worker, outside a request: the row's organization
def after_interruption(pk: int, again: bool) -> None:
    """Its worker stopped (a restart): queue the run again, or mark it failed and drop its lists."""
    if again and requeue(LinkageRun, pk):
        return
    message = _("The run stopped before it finished (the server restarted, or it needed more memory than a job may use). Nothing was linked; start a new run.")
    with transaction.atomic():
        if abandon(LinkageRun, pk, message, "linkage.run.interrupted") is not None:
            ListUpload.objects.filter(run_id=pk).delete()


def _store(run: LinkageRun, frames: dict[str, pd.DataFrame], result: LinkResult) -> None:
    """References, weights and clusters in one transaction; nothing if the run is not running any more."""
    by = SimpleNamespace(user=run.created_by, organization=run.organization)
    lists = [{**item, "records": len(frames[item["name"]])} for item in run.lists]
    with transaction.atomic():
        run = lock_for_store(run.pk)
        if not run.running:  # marked interrupted meanwhile
            return
        unique, ids = store_records(run, result.clusters)
        scored = store_pairs(run, result.pairs, unique, ids)
        del unique, ids
        summary = summarise(result.clusters["cluster_id"].to_numpy(), scored)
        blocking = {"blocking": result.blocking.to_dict()} if result.blocking else {}
        settings = {**result.settings.to_dict(), **blocking, "conflicts_from": result.conflicts_from}
        fields = {"lists": lists, "settings": settings, "summary": summary,
                  "histogram": result.histogram(), "warnings": list(result.warnings)}  # fmt: skip
        finish(run, **fields)
        persons = [item["records"] for item in lists if item["source"] == PERSONS]
        if persons:
            log("linkage.persons.linked", by, run, run.label, {"persons": [None, persons[0]]})
        log("linkage.run.linked", by, run, run.label, {"clusters": [None, summary["clusters"]]})


def lock_for_store(pk: int) -> LinkageRun:
    """The run's own row, locked until the results are stored — not its organization's nor its author's
    rows (a lock over a join locks them too on PostgreSQL: every page of the organization that logs
    a read would then wait for the whole store, and deadlock with the activity log's head)."""
    return LinkageRun.objects.select_for_update(of=("self",)).select_related("organization", "created_by").get(pk=pk)


def summarise(cluster_ids: Any, scored_pairs: int) -> dict[str, int]:
    """The run's figures from the cluster of each of its records and the number of pairs it keeps."""
    _, sizes = np.unique(np.asarray(cluster_ids, dtype=np.int64), return_counts=True)
    return {
        "records": int(sizes.sum()),
        "clusters": len(sizes),
        "linked_clusters": int((sizes > 1).sum()),
        "scored_pairs": int(scored_pairs),
    }
