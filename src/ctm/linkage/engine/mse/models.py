"""Fit one log-linear model to a capture table: checks first, then the Poisson fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .design import Term, full_design, row_mask, split_empty
from .fit import FitFailed, PoissonFit, fit_poisson
from .identifiability import check_model
from .table import FloatArray, IntArray


class ModelRefused(ValueError):
    """The model cannot be fitted to these counts; the message says why."""


@dataclass(frozen=True)
class ModelFit:
    m: int
    terms: tuple[Term, ...]
    kept: tuple[Term, ...]
    empty: tuple[Term, ...]
    fit: PoissonFit
    mu_full: FloatArray
    observed: int

    @property
    def beta(self) -> FloatArray:
        return self.fit.beta

    @property
    def dark(self) -> float:
        return float(np.exp(self.fit.beta[0]))

    @property
    def se_intercept(self) -> float:
        return float(np.sqrt(self.fit.cov[0, 0]))

    @property
    def estimate(self) -> float:
        return self.observed + self.dark

    @property
    def npar(self) -> int:
        """Parameters, counting each empty-overlap term as one (as SparseMSE adjusts the AIC)."""
        return len(self.fit.beta) + len(self.empty)

    @property
    def aic(self) -> float:
        return -2.0 * self.fit.loglik + 2.0 * self.npar

    @property
    def bic(self) -> float:
        return -2.0 * self.fit.loglik + self.npar * float(np.log(max(self.observed, 2)))


def fit_model(counts: IntArray, m: int, terms: tuple[Term, ...], start: ModelFit | None = None,
              check: bool = True) -> ModelFit:
    """Fit main effects plus `terms`; terms whose lists never overlap become structural zeros."""
    kept, empty = split_empty(counts, m, terms)
    if check:
        verdict = check_model(counts, m, kept, empty)
        if not verdict.ok:
            raise ModelRefused(verdict.reason())
    mask = row_mask(m, empty)
    X = full_design(m, kept)[mask]
    y = counts[mask].astype(np.float64)
    try:
        fit = fit_poisson(X, y, start=_warm_start(start, m, kept))
    except (FitFailed, np.linalg.LinAlgError) as exc:
        raise ModelRefused(str(exc)) from exc
    mu_full = np.zeros(2**m - 1)
    mu_full[mask] = fit.mu
    return ModelFit(m, terms, kept, empty, fit, mu_full, int(counts.sum()))


def _warm_start(previous: ModelFit | None, m: int, kept: tuple[Term, ...]) -> FloatArray | None:
    if previous is None:
        return None
    old = dict(zip(previous.kept, previous.beta[1 + m:], strict=True))
    tail = [old.get(t, 0.0) for t in kept]
    return np.concatenate([previous.beta[: 1 + m], np.asarray(tail, dtype=np.float64)])
