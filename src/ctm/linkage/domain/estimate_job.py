"""The background job of an estimate: select the model, bootstrap, compare the methods, store.

The bootstrap reports each replicate ("Bootstrap 340/1000"); any failure ends the estimate as `failed`
with one plain sentence for the user. The table holds counts of people only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ctm.core.scopes import job_scope
from ctm.linkage.domain.common import log
from ctm.linkage.domain.progress import Progress, abandon, even_steps, fail, finish, interrupt, requeue
from ctm.linkage.engine import METHODS, CaptureTable, MSEInputError, estimate_population, table_from_frame
from ctm.linkage.enums import JobStatus
from ctm.linkage.models import Estimate

logger = logging.getLogger("ctm.linkage.jobs")
# One process: the job runs in a thread of the web server, and forking a multi-threaded process (database
# connections, JAX's threads once the privacy engine is loaded) can deadlock the child. The bootstrap
# then takes about twice as long (4 s for the six-list UK data), shown with its progress; the command
# line (`ctm estimate`) still uses two worker processes.
WORKERS = 1
# With a bootstrap, the replicates are nearly all the work; without, four model selections are.
STEPS_BOOTSTRAP = {"queued": 0, "selecting": 2, "bootstrap": 5, "sensitivity": 95, "storing": 99}
STEPS_PLAIN = even_steps(["queued", "selecting", "sensitivity", "storing"])


def table_json(table: CaptureTable) -> dict[str, Any]:
    frame = table.to_frame()
    return {
        "lists": list(table.lists),
        "rows": [[int(v) for v in row] for row in frame.to_numpy()],
        "warnings": list(table.warnings),
    }


def table_from_json(data: dict[str, Any]) -> CaptureTable:
    """The stored table, as the engine read it (with the notes made when it was read)."""
    frame = pd.DataFrame(data["rows"], columns=[*data["lists"], "count"])
    table = table_from_frame(frame)
    return CaptureTable(table.lists, table.counts, tuple(data.get("warnings", ())))


def estimate_result(
    table: CaptureTable, p: dict[str, Any], progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """The engine's estimate for the chosen parameters (MSEInputError when none can be made)."""
    result = estimate_population(
        table, p["method"], p["threshold"], p["max_order"], p["bootstrap"], p["seed"], workers=WORKERS,
        progress=progress,
    )  # fmt: skip
    return result.to_dict()


def sensitivity(table: CaptureTable, p: dict[str, Any], main: dict[str, Any]) -> list[dict[str, Any]]:
    """Every method on the same table, without bootstrap (model-based intervals)."""
    rows = []
    for method in METHODS:
        if method == p["method"]:
            rows.append(_row(method, main, main["intervals"].get("model_based")))
            continue
        try:
            other = estimate_population(table, method, None, p["max_order"], 0, p["seed"]).to_dict()
        except MSEInputError as exc:
            rows.append({"method": method, "error": str(exc)})
            continue
        rows.append(_row(method, other, other["intervals"].get("model_based")))
    return rows


def _row(method: str, data: dict[str, Any], interval: list[float | None] | None) -> dict[str, Any]:
    lower, upper = interval or (None, None)
    return {
        "method": method,
        "estimate": data["estimate"],
        "lower": lower,
        "upper": upper,
        "model": data["model"],
        "threshold": data["threshold"],
        "warnings": len(data["warnings"]),
    }


@job_scope(Estimate)  # no request here: the job enters its row's organization
def run_estimate(pk: int, language: str | None = None) -> None:
    """The job of one estimate (it runs once: an estimate that is not queued is left alone)."""
    estimate = Estimate.objects.select_related("organization", "created_by").get(pk=pk)
    if estimate.status != JobStatus.QUEUED:
        return
    p = estimate.parameters
    with translation.override(language):
        progress = Progress(Estimate, pk, STEPS_BOOTSTRAP if p["bootstrap"] else STEPS_PLAIN)
        progress.start("selecting")
        try:
            table = table_from_json(estimate.table)
            result = estimate_result(table, p, lambda done, n: progress.count("bootstrap", done, n))
            progress.stage("sensitivity")
            rows = sensitivity(table, p, result)
            progress.stage("storing")
            _store(estimate, result, rows)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            logger.warning("estimate %s failed: %s", pk, type(exc).__name__)
            fail(estimate, failure_message(exc), "linkage.estimate.failed")


def failure_message(exc: BaseException) -> str:
    if isinstance(exc, MSEInputError):
        return _("No estimate can be made from this table: %(reason)s") % {"reason": exc}
    if isinstance(exc, MemoryError):
        return _("The estimate needed more memory than the server has: try fewer bootstrap replicates.")
    return _("An unexpected error stopped the estimate (%(kind)s). Nothing was stored.") % {
        "kind": type(exc).__name__
    }


def _store(estimate: Estimate, result: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    by = SimpleNamespace(user=estimate.created_by, organization=estimate.organization)
    with transaction.atomic():
        if finish(estimate, result=result, sensitivity=rows):
            changes = {"estimate": [None, round(result["estimate"], 2)], "interval": [None, result["interval"]]}
            log("linkage.estimate.computed", by, estimate, estimate.label, changes)


def mark_interrupted(estimate: Estimate) -> bool:
    """An estimate with no sign of life for CTM_JOB_STALE_MINUTES was interrupted (a restart): failed."""
    message = _("The estimate was interrupted (the server restarted?). Nothing was stored; make it again.")
    return interrupt(estimate, message, "linkage.estimate.interrupted")


@job_scope(Estimate)  # run by the worker, outside a request: the row's organization
def after_interruption(pk: int, again: bool) -> None:
    """Its worker stopped (a restart): queue the estimate again, or mark it failed."""
    if again and requeue(Estimate, pk):
        return
    message = _("The estimate stopped before it finished (the server restarted, or it needed more memory than a job may use). Nothing was stored; make it again.")
    abandon(Estimate, pk, message, "linkage.estimate.interrupted")
