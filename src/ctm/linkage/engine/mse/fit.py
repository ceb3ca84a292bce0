"""Poisson log-linear fit by Newton's method (exact maximum likelihood; checked against statsmodels GLM)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import gammaln

from .table import FloatArray

MAX_ITER = 100
MAX_ETA = 50.0


class FitFailed(RuntimeError):
    """Newton's method did not converge (the estimate is on the boundary or infinite)."""


@dataclass(frozen=True)
class PoissonFit:
    """A converged fit. The covariance, log-likelihood and deviance are computed on first use (and then
    kept): the bootstrap's stepwise selection needs only the fitted values of most fits."""

    beta: FloatArray
    mu: FloatArray
    iterations: int
    X: FloatArray
    y: FloatArray

    @cached_property
    def cov(self) -> FloatArray:
        return np.asarray(np.linalg.inv((self.X.T * self.mu) @ self.X), dtype=np.float64)

    @cached_property
    def loglik(self) -> float:
        return poisson_loglik(self.y, self.mu)

    @cached_property
    def deviance(self) -> float:
        return poisson_deviance(self.y, self.mu)


def _start(X: FloatArray, y: FloatArray) -> FloatArray:
    z = np.log(y + 0.5)
    beta, *_ = np.linalg.lstsq(X, z, rcond=None)
    return np.asarray(beta, dtype=np.float64)


def poisson_loglik(y: FloatArray, mu: FloatArray) -> float:
    return float(np.sum(y * np.log(np.where(y > 0, mu, 1.0)) - mu - gammaln(y + 1.0)))


def poisson_deviance(y: FloatArray, mu: FloatArray) -> float:
    ratio = np.where(y > 0, y / np.where(mu > 0, mu, 1.0), 1.0)
    return float(2.0 * np.sum(y * np.log(ratio) - (y - mu)))


def fit_poisson(
    X: FloatArray, y: FloatArray, start: FloatArray | None = None, offset: FloatArray | None = None,
    tol: float = 1e-10,
) -> PoissonFit:
    """Maximise sum(y * eta - exp(eta)) with eta = offset + X @ beta, by damped Newton steps."""
    beta = _start(X, y) if start is None else np.array(start, dtype=np.float64)
    off = np.zeros(len(y)) if offset is None else offset
    eta = np.clip(off + X @ beta, -MAX_ETA, MAX_ETA)
    mu = np.exp(eta)
    objective = float(y @ eta - mu.sum())
    for iteration in range(1, MAX_ITER + 1):
        hessian = (X.T * mu) @ X
        step = np.asarray(np.linalg.solve(hessian, X.T @ (y - mu)), dtype=np.float64)
        beta, eta, mu, new_obj = _line_search(X, y, off, beta, step, objective)
        if abs(new_obj - objective) <= tol * (1.0 + abs(new_obj)) and np.max(np.abs(step)) < 1e-6:
            return PoissonFit(beta, mu, iteration, X, y)
        objective = new_obj
    raise FitFailed("the Poisson fit did not converge")


def _line_search(
    X: FloatArray, y: FloatArray, off: FloatArray, beta: FloatArray, step: FloatArray, objective: float
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    scale = 1.0
    for _ in range(30):
        trial = beta + scale * step
        eta = off + X @ trial
        if np.max(eta) < MAX_ETA:
            mu = np.exp(eta)
            value = float(y @ eta - mu.sum())
            if value >= objective - 1e-12 * (1.0 + abs(objective)):
                return trial, eta, mu, value
        scale /= 2.0
    raise FitFailed("the Poisson fit could not improve the likelihood")
