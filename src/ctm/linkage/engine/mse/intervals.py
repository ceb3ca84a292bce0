"""Confidence intervals from one fitted model: model-based (Wald on the log dark figure) and profile
likelihood for the population size N (Cormack 1992, as Rcapture `closedpCI.t`)."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2, norm

from .design import full_design, row_mask
from .fit import FitFailed, fit_poisson
from .models import ModelFit
from .table import FloatArray


def model_based_interval(fit: ModelFit, level: float = 0.95) -> tuple[float, float]:
    """n + exp(b0 -/+ z se(b0)), as SparseMSE `estimatepopulation.0`."""
    z = float(norm.ppf(0.5 + level / 2.0))
    b0, se = float(fit.beta[0]), fit.se_intercept
    return fit.observed + math.exp(b0 - z * se), fit.observed + math.exp(b0 + z * se)


class _Profile:
    """Multinomial log-likelihood of N, maximised over the other parameters of the model."""

    def __init__(self, fit: ModelFit, counts: FloatArray) -> None:
        mask = row_mask(fit.m, fit.empty)
        design = full_design(fit.m, fit.kept)[mask]
        zero_row = np.zeros((1, design.shape[1]))
        zero_row[0, 0] = 1.0
        self.X = np.vstack([zero_row, design])
        self.y = np.concatenate([[0.0], counts[mask]])
        self.n = float(counts.sum())
        self.start = np.asarray(fit.beta, dtype=np.float64)

    def loglik(self, N: float) -> float:
        y = self.y.copy()
        y[0] = N - self.n
        fit = fit_poisson(self.X, y, start=self.start)
        mu = fit.mu
        positive = y > 0
        return float(gammaln(N + 1.0) - gammaln(N - self.n + 1.0)
                     + np.sum(y[positive] * np.log(mu[positive] / N)))


def profile_interval(fit: ModelFit, counts: FloatArray, level: float = 0.95) -> tuple[float, float] | None:
    """Values of N whose profile log-likelihood is within chi2_1(level)/2 of its maximum."""
    prof = _Profile(fit, counts)
    n, nhat = prof.n, fit.estimate
    try:
        best = minimize_scalar(lambda N: -prof.loglik(N), bracket=(max(n + 1e-6, nhat * 0.9), nhat),
                               tol=1e-10)
        n_max, l_max = float(best.x), -float(best.fun)
        drop = float(chi2.ppf(level, 1)) / 2.0

        def gap(N: float) -> float:
            return l_max - prof.loglik(N) - drop

        lower = n if gap(n + 1e-9) < 0 else brentq(gap, n + 1e-9, n_max, xtol=1e-6)
        upper_bracket = n_max * 1.5
        while gap(upper_bracket) < 0:
            upper_bracket *= 2.0
            if upper_bracket > 1e4 * max(n_max, 1.0):
                return (float(lower), math.inf)
        upper = brentq(gap, n_max, upper_bracket, xtol=1e-6)
    except (FitFailed, ValueError, np.linalg.LinAlgError):
        return None
    return float(lower), float(upper)
