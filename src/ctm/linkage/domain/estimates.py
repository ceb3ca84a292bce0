"""Estimates of the hidden population: run the engine on an overlap table, store, export, delete."""

from __future__ import annotations

import os
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ctm.core.errors import InvalidTransition
from ctm.linkage.domain.common import log, require_data_manager
from ctm.linkage.engine import METHODS, CaptureTable, MSEInputError, estimate_population
from ctm.linkage.models import Estimate, LinkageRun

WORKERS = min(2, os.cpu_count() or 1)


def table_json(table: CaptureTable) -> dict[str, Any]:
    frame = table.to_frame()
    return {"lists": list(table.lists), "rows": [[int(v) for v in row] for row in frame.to_numpy()]}


def _run_engine(table: CaptureTable, p: dict[str, Any]) -> dict[str, Any]:
    try:
        result = estimate_population(
            table, p["method"], p["threshold"], p["max_order"], p["bootstrap"], p["seed"], workers=WORKERS
        )
    except MSEInputError as exc:
        raise InvalidTransition(
            _("No estimate can be made from this table: %(reason)s") % {"reason": exc}
        ) from exc
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


def create_estimate(
    *, by: Any, table: CaptureTable, label: str, parameters: dict[str, Any], run: LinkageRun | None = None
) -> Estimate:
    """Select a model, estimate with its intervals, compare the methods; store and log the result."""
    require_data_manager(by, run)
    result = _run_engine(table, parameters)
    rows = sensitivity(table, parameters, result)
    with transaction.atomic():
        estimate = Estimate.unscoped.create(
            organization=by.organization,
            created_by=by.user,
            label=label[:200],
            run=run,
            table=table_json(table),
            parameters=parameters,
            result=result,
            sensitivity=rows,
        )
        log(
            "linkage.estimate.created",
            by,
            estimate,
            estimate.label,
            {"method": [None, parameters["method"]], "estimate": [None, round(result["estimate"], 2)]},
        )
    return estimate


def record_export(estimate: Estimate, *, by: Any, fmt: str) -> None:
    require_data_manager(by, estimate)
    log("linkage.estimate.exported", by, estimate, estimate.label, {"format": [None, fmt]})


def delete_estimate(estimate: Estimate, *, by: Any) -> None:
    require_data_manager(by, estimate)
    with transaction.atomic():
        log("linkage.estimate.deleted", by, estimate, estimate.label)
        estimate.delete()
