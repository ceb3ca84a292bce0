"""Bias-corrected and accelerated (BCa) bootstrap, as SparseMSE `estimatepopulation` / `bcaconfvalues`.

Each replicate redraws the observed cells from a multinomial with the observed proportions and re-runs
the whole model selection; the acceleration comes from a jackknife that removes one person at a time
(one calculation per non-empty cell, weighted by its count).
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from .table import FloatArray, IntArray

Estimator = Callable[[IntArray], float]
Progress = Callable[[int, int], None]  # (replicates done, replicates in all)


@dataclass(frozen=True)
class BootstrapResult:
    lower: float
    upper: float
    replicates: FloatArray
    acceleration: float
    bias_correction: float
    failures: int


def quantile_type8(values: FloatArray, probs: FloatArray) -> FloatArray:
    """R's quantile type 8 (median-unbiased), tolerating +inf among the values."""
    x = np.sort(values)
    n = len(x)
    out = np.empty(len(probs))
    for i, p in enumerate(probs):
        h = (n + 1.0 / 3.0) * p + 1.0 / 3.0
        lo = int(min(max(math.floor(h), 1), n))
        hi = int(min(lo + 1, n))
        frac = min(max(h - math.floor(h), 0.0), 1.0) if 1 <= h < n else 0.0
        a, b = x[lo - 1], x[hi - 1]
        out[i] = a if frac == 0.0 or a == b else a + frac * (b - a)
    return out


def bca_interval(counts: IntArray, estimate: float, estimator: Estimator, n_boot: int, seed: int,
                 level: float = 0.95, workers: int = 1, progress: Progress | None = None) -> BootstrapResult:
    """BCa interval; replicates are drawn up front from one seeded generator, so the result does not
    depend on the number of worker processes. `progress(done, n_boot)` is called as replicates finish."""
    rng = np.random.default_rng(seed)
    cells = np.flatnonzero(counts)
    n = int(counts.sum())
    draws = rng.multinomial(n, counts[cells] / n, size=n_boot)
    tables = [_expand(counts, cells, d) for d in draws]
    reps = _run_replicates(estimator, tables, workers, progress)
    acceleration = _acceleration(counts, cells, estimator)
    below = float(np.mean(reps < estimate))
    z0 = float(norm.ppf(min(max(below, 0.5 / n_boot), 1.0 - 0.5 / n_boot)))
    alpha = np.array([(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    za = norm.ppf(alpha) + z0
    zq = norm.cdf(z0 + za / (1.0 - acceleration * za))
    lower, upper = quantile_type8(reps, zq)
    failures = int(np.sum(~np.isfinite(reps)))
    return BootstrapResult(float(lower), float(upper), reps, acceleration, z0, failures)


_JOB: Estimator | None = None


def _run_one(counts: IntArray) -> float:
    assert _JOB is not None
    return _safe(_JOB, counts)


def _run_replicates(estimator: Estimator, tables: list[IntArray], workers: int,
                    progress: Progress | None = None) -> FloatArray:
    """Replicates in this process, or in forked workers (POSIX only) when workers > 1."""
    global _JOB
    report = progress or _no_progress
    n = len(tables)
    if workers <= 1 or n < 50 or "fork" not in multiprocessing.get_all_start_methods():
        values = []
        for table in tables:
            values.append(_safe(estimator, table))
            report(len(values), n)
        return np.array(values)
    _JOB = estimator
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # small chunks, in order: the count of finished replicates moves steadily
            chunk = max(1, min(25, n // (4 * workers)))
            values = []
            for value in pool.imap(_run_one, tables, chunksize=chunk):
                values.append(value)
                report(len(values), n)
            return np.array(values)
    finally:
        _JOB = None


def _no_progress(done: int, total: int) -> None:
    return None


def _expand(counts: IntArray, cells: IntArray, draw: IntArray) -> IntArray:
    out = np.zeros_like(counts)
    out[cells] = draw
    return out


def _safe(estimator: Estimator, counts: IntArray) -> float:
    try:
        value = estimator(counts)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        return math.inf
    return value if math.isfinite(value) else math.inf


def _acceleration(counts: IntArray, cells: IntArray, estimator: Estimator) -> float:
    jack = np.empty(len(cells))
    for k, cell in enumerate(cells):
        reduced = counts.copy()
        reduced[cell] -= 1
        jack[k] = _safe(estimator, reduced)
    weights = counts[cells].astype(np.float64)
    if not np.isfinite(jack).all():
        return 0.0
    resid = float(np.sum(weights * jack) / weights.sum()) - jack
    denom = 6.0 * float(np.sum(weights * resid**2)) ** 1.5
    return float(np.sum(weights * resid**3) / denom) if denom > 0 else 0.0
