"""Estimates of the hidden population: check the table, start the estimate in the background, export,
delete. The job itself is in `estimate_job`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ctm.core.domain import jobs
from ctm.core.errors import InvalidTransition
from ctm.linkage.domain import tasks
from ctm.linkage.domain.common import log, require_data_manager
from ctm.linkage.domain.estimate_job import table_json
from ctm.linkage.domain.queries.runs import clusters_frame
from ctm.linkage.engine import CaptureTable, MSEInputError, estimate_population, linkage_checks
from ctm.linkage.enums import JobStatus
from ctm.linkage.models import Estimate, LinkageRun


def check_table(table: CaptureTable, p: dict[str, Any]) -> None:
    """The engine's checks and model selection, without intervals (quick): an unusable table is refused
    on the form, not after a wait."""
    try:
        estimate_population(table, p["method"], p["threshold"], p["max_order"], 0, p["seed"], profile=False)
    except MSEInputError as exc:
        raise InvalidTransition(
            _("No estimate can be made from this table: %(reason)s") % {"reason": exc}
        ) from exc


def create_estimate(
    *, by: Any, table: CaptureTable, label: str, parameters: dict[str, Any], run: LinkageRun | None = None
) -> Estimate:
    """Check the table, store it with the parameters and start the estimate in the background."""
    require_data_manager(by, run)
    if run is not None and run.status != JobStatus.DONE:
        raise InvalidTransition({"run": _("This run has not finished linking: its clusters are not ready.")})
    check_table(table, parameters)
    with transaction.atomic():
        estimate = Estimate.objects.create(
            organization=by.organization,
            created_by=by.user,
            label=label[:200],
            run=run,
            table=_table_with_checks(table, run),
            parameters=parameters,
        )
        changes = {"method": [None, parameters["method"]], "bootstrap": [None, parameters["bootstrap"]]}
        log("linkage.estimate.created", by, estimate, estimate.label, changes)
        language = translation.get_language()
        jobs.submit(tasks.estimate_population, estimate.pk, language)
    estimate.refresh_from_db()  # the job may already have moved it on
    return estimate


def _table_with_checks(table: CaptureTable, run: LinkageRun | None) -> dict[str, Any]:
    """The table as stored; from a run, with the signs that its linkage merged people (codes and counts,
    worded when shown)."""
    data = table_json(table)
    if run is not None:
        data["linkage_checks"] = linkage_checks(clusters_frame(run))
    return data


def record_export(estimate: Estimate, *, by: Any, fmt: str) -> None:
    require_data_manager(by, estimate)
    log("linkage.estimate.exported", by, estimate, estimate.label, {"format": [None, fmt]})


def delete_estimate(estimate: Estimate, *, by: Any) -> None:
    """Delete an estimate; one still computing is not deleted (its job is working on it)."""
    require_data_manager(by, estimate)
    if estimate.running:
        raise InvalidTransition(_("This estimate is still being computed: wait until it has finished or failed, then delete it."))
    with transaction.atomic():
        log("linkage.estimate.deleted", by, estimate, estimate.label)
        estimate.delete()
