"""The whole estimate: tidy the table, select a model, compute intervals, flag what looks wrong."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .bootstrap import Progress, bca_interval
from .design import all_pairs, term_name, term_totals
from .intervals import model_based_interval, profile_interval
from .models import ModelRefused
from .selection import DEFAULT_THRESHOLD, METHODS, Selection, select_model
from .table import CaptureTable, IntArray, MSEInputError, tidy_lists

ABSURD_RATIO = 50.0
FEW_PEOPLE = 10


@dataclass
class EstimateResult:
    """JSON-ready result of `estimate_population` (see `to_dict`)."""

    method: str
    lists: list[str]
    observed: int
    estimate: float
    lower: float | None
    upper: float | None
    interval: str
    level: float
    model: list[str]
    empty_overlaps: list[str]
    dark_figure: float
    se_log_dark_figure: float
    threshold: float | None
    max_order: int
    selection_steps: list[dict[str, Any]]
    intervals: dict[str, list[float | None] | None]
    bootstrap: dict[str, Any] | None
    overlaps: dict[str, int]
    fitted_cells: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = _clean(asdict(self))
        return cleaned


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def estimate_population(table: CaptureTable, method: str = "stepwise", threshold: float | None = None,
                        max_order: int = 2, n_boot: int = 1000, seed: int = 1234,
                        level: float = 0.95, profile: bool = True, workers: int = 1,
                        progress: Progress | None = None) -> EstimateResult:
    """Estimate the population size (observed + unseen) from a capture-history table.

    `progress(done, n_boot)` is called as bootstrap replicates finish (the rest takes a moment).
    Raises MSEInputError with a one-line reason when no sensible estimate can be given.
    """
    if method not in METHODS:
        raise MSEInputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    warnings = list(table.warnings)
    tidy, notes = tidy_lists(table)
    warnings += notes
    _check_usable(tidy)
    selection = _select(tidy, method, threshold, max_order)
    warnings += list(selection.notes)
    result = _base_result(table, tidy, selection, method, threshold, max_order, level)
    _add_intervals(result, tidy, selection, Options(method, threshold, max_order, n_boot, seed, level, profile,
                                                    workers, progress))
    result.warnings = warnings + _sanity_warnings(tidy, result)
    return result


def _check_usable(table: CaptureTable) -> None:
    if table.m < 2:
        raise MSEInputError("fewer than two informative lists remain: no overlap to estimate from")
    if table.observed == 0:
        raise MSEInputError("the table holds no people")
    if int(term_totals(table.counts, table.m, all_pairs(table.m)).sum()) == 0:
        raise MSEInputError("no person is on more than one list: the lists do not overlap, so the number "
                            "of people on none of them cannot be estimated")


def _select(table: CaptureTable, method: str, threshold: float | None, max_order: int) -> Selection:
    try:
        return select_model(table.counts, table.m, method, threshold, max_order)
    except ModelRefused as exc:
        raise MSEInputError(f"no estimate: even the model without interactions fails: {exc}") from exc


def _base_result(original: CaptureTable, table: CaptureTable, selection: Selection, method: str,
                 threshold: float | None, max_order: int, level: float) -> EstimateResult:
    fit, lists = selection.fit, table.lists
    pairs = all_pairs(table.m)
    totals = term_totals(table.counts, table.m, pairs)
    return EstimateResult(
        method=method, lists=list(lists), observed=original.observed,
        estimate=fit.estimate + (original.observed - table.observed), lower=None, upper=None,
        interval="", level=level, model=[term_name(t, lists) for t in fit.terms],
        empty_overlaps=[term_name(t, lists) for t in fit.empty], dark_figure=fit.dark,
        se_log_dark_figure=fit.se_intercept,
        threshold=DEFAULT_THRESHOLD[method] if threshold is None and method in ("stepwise", "aic")
        else threshold, max_order=max_order,
        selection_steps=[{"term": term_name(s.term, lists), "statistic": s.statistic} for s in selection.steps],
        intervals={}, bootstrap=None,
        overlaps={term_name(p, lists): int(n) for p, n in zip(pairs, totals, strict=True)},
        fitted_cells=_cells(table, fit.mu_full),
    )


def _cells(table: CaptureTable, mu: np.ndarray) -> list[dict[str, Any]]:
    frame = table.to_frame(include_zero=True)
    frame["fitted"] = mu
    return [{"history": "".join(str(int(v)) for v in row[: table.m]), "count": int(row[table.m]),
             "fitted": float(row[table.m + 1])} for row in frame.itertuples(index=False)]


@dataclass(frozen=True)
class Options:
    method: str
    threshold: float | None
    max_order: int
    n_boot: int
    seed: int
    level: float
    profile: bool
    workers: int
    progress: Progress | None = None


def _add_intervals(result: EstimateResult, table: CaptureTable, selection: Selection, opts: Options) -> None:
    shift = result.observed - table.observed
    level = opts.level
    lo, hi = model_based_interval(selection.fit, level)
    result.intervals["model_based"] = [lo + shift, hi + shift]
    result.lower, result.upper, result.interval = lo + shift, hi + shift, "model-based"
    if opts.profile:
        prof = profile_interval(selection.fit, table.counts.astype(np.float64), level)
        result.intervals["profile_likelihood"] = None if prof is None else [prof[0] + shift, prof[1] + shift]
    if opts.n_boot > 0:
        _bootstrap(result, table, selection, opts, shift)


def _bootstrap(result: EstimateResult, table: CaptureTable, selection: Selection, opts: Options,
               shift: int) -> None:
    def estimator(counts: IntArray) -> float:
        return select_model(counts, table.m, opts.method, opts.threshold, opts.max_order).fit.estimate

    n_boot, seed = opts.n_boot, opts.seed
    boot = bca_interval(table.counts, selection.fit.estimate, estimator, n_boot, seed, opts.level,
                        opts.workers, opts.progress)
    result.intervals["bca_bootstrap"] = [boot.lower + shift, boot.upper + shift]
    result.lower, result.upper, result.interval = boot.lower + shift, boot.upper + shift, "bca-bootstrap"
    result.bootstrap = {"replicates": n_boot, "seed": seed, "acceleration": boot.acceleration,
                        "bias_correction": boot.bias_correction, "failed_replicates": boot.failures}
    if boot.failures:
        result.warnings.append(f"{boot.failures} of {n_boot} bootstrap replicates had no finite estimate "
                               "(counted as infinite)")


def _sanity_warnings(table: CaptureTable, result: EstimateResult) -> list[str]:
    out = list(result.warnings)
    if table.m == 2:
        out.append("only two lists: the estimate assumes they are independent (Lincoln-Petersen); "
                   "it cannot be checked from the data")
    if result.observed < FEW_PEOPLE:
        out.append(f"only {result.observed} people observed: the estimate is very uncertain")
    if result.estimate > ABSURD_RATIO * result.observed:
        out.append(f"the estimate is {result.estimate / result.observed:.0f} times the number observed: "
                   "the overlaps are too small to support it; do not publish it")
    if result.upper is None or not math.isfinite(result.upper):
        out.append("the upper limit of the interval is infinite")
    out += _containment_warnings(table)
    if result.empty_overlaps:
        out.append("never-overlapping pairs in the model, fitted as structural zeros: "
                   + ", ".join(result.empty_overlaps))
    return out


def _containment_warnings(table: CaptureTable) -> list[str]:
    totals = table.list_totals()
    out = []
    for pair, shared in zip(all_pairs(table.m), term_totals(table.counts, table.m, all_pairs(table.m)),
                            strict=True):
        small, big = sorted(pair, key=lambda i: (totals[i], i))
        if shared == totals[small] > 0:
            out.append(f"every person on list {table.lists[small]} is also on list {table.lists[big]}: "
                       "a list inside another usually means they are not independent sources")
    return out
