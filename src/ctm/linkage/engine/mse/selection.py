"""Model selection: SparseMSE stepwise p-values, stepwise AIC with a p-value stop, exhaustive BIC."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.special import pdtr, pdtrc
from scipy.stats import chi2

from .design import Term, all_pairs, split_empty, term_column, term_totals
from .identifiability import check_model
from .models import ModelFit, ModelRefused, fit_model
from .table import FloatArray, IntArray

METHODS = ("stepwise", "aic", "bic", "main")
DEFAULT_THRESHOLD = {"stepwise": 0.02, "aic": 0.05, "bic": 0.0, "main": 0.0}
MAX_BIC_MODELS = 4096


@dataclass(frozen=True)
class Step:
    term: Term
    statistic: float  # p-value (stepwise, aic) or BIC (bic)


@dataclass(frozen=True)
class Selection:
    fit: ModelFit
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()


def select_model(counts: IntArray, m: int, method: str, threshold: float | None = None,
                 max_order: int = 2) -> Selection:
    """Run the chosen selection on the counts (ModelRefused if even the main-effects model fails)."""
    p = DEFAULT_THRESHOLD[method] if threshold is None else threshold
    if method == "main":
        return Selection(fit_model(counts, m, ()), ())
    if method == "stepwise":
        return stepwise_pvalue(counts, m, p)
    if method == "aic":
        return stepwise_aic(counts, m, p)
    if method == "bic":
        return best_bic(counts, m, max_order)
    raise ValueError(f"unknown method {method!r}")


def overlap_pvalues(nstar: IntArray, expected: FloatArray) -> FloatArray:
    """min(P(X <= n), P(X >= n)) for X ~ Poisson(expected), as SparseMSE `stepwisefit`."""
    lower = pdtr(nstar, expected)
    upper = np.where(nstar > 0, pdtrc(np.maximum(nstar - 1, 0), expected), 1.0)
    return np.asarray(np.minimum(lower, upper), dtype=np.float64)


def _passes(counts: IntArray, m: int, terms: tuple[Term, ...]) -> bool:
    kept, empty = split_empty(counts, m, terms)
    return check_model(counts, m, kept, empty).ok


def stepwise_pvalue(counts: IntArray, m: int, threshold: float) -> Selection:
    """Chan, Silverman & Vincent (2021): add the pair whose overlap is least likely, while p < threshold."""
    fit = fit_model(counts, m, ())
    pairs = all_pairs(m)
    nstar = term_totals(counts, m, pairs)
    columns = np.column_stack([term_column(m, p) for p in pairs]).astype(np.float64)
    included = np.zeros(len(pairs), dtype=bool)
    steps: list[Step] = []
    while not included.all():
        pvals = overlap_pvalues(nstar, fit.mu_full @ columns)
        chosen = _first_admissible(counts, m, fit.terms, pairs, pvals, included, threshold)
        if chosen is None:
            break
        included[chosen] = True
        fit = fit_model(counts, m, (*fit.terms, pairs[chosen]), start=fit, check=False)
        steps.append(Step(pairs[chosen], float(pvals[chosen])))
    return Selection(fit, tuple(steps))


def _first_admissible(counts: IntArray, m: int, terms: tuple[Term, ...], pairs: list[Term],
                      pvals: FloatArray, included: np.ndarray, threshold: float) -> int | None:
    """Smallest p-value below the threshold (ties in pair order) whose model passes the checks."""
    order = np.lexsort((np.arange(len(pairs)), pvals))
    for j in order:
        if pvals[j] >= threshold:
            return None
        if not included[j] and _passes(counts, m, (*terms, pairs[j])):
            return int(j)
    return None


def stepwise_aic(counts: IntArray, m: int, threshold: float) -> Selection:
    """Forward selection by AIC (Rcapture / Silverman 2014), stopping when the added term's
    likelihood-ratio p-value is not below the threshold or no term lowers the AIC."""
    fit = fit_model(counts, m, ())
    steps: list[Step] = []
    while True:
        best = _best_aic_addition(counts, m, fit)
        if best is None or best.aic >= fit.aic:
            break
        pvalue = float(chi2.sf(max(2.0 * (best.fit.loglik - fit.fit.loglik), 0.0), 1))
        if pvalue >= threshold:
            break
        steps.append(Step(best.terms[-1], pvalue))
        fit = best
    return Selection(fit, tuple(steps))


def _best_aic_addition(counts: IntArray, m: int, fit: ModelFit) -> ModelFit | None:
    best: ModelFit | None = None
    for pair in overlapping_terms(counts, m, all_pairs(m)):
        if pair in fit.terms:
            continue
        try:
            candidate = fit_model(counts, m, (*fit.terms, pair), start=fit)
        except ModelRefused:
            continue
        if best is None or candidate.aic < best.aic - 1e-9:
            best = candidate
    return best


def overlapping_terms(counts: IntArray, m: int, terms: list[Term]) -> list[Term]:
    """The terms whose lists have at least one person in common (the others are left out)."""
    totals = term_totals(counts, m, terms)
    return [t for t, n in zip(terms, totals, strict=True) if n > 0]


def hierarchical_models(m: int, max_order: int, allowed: set[Term] | None = None) -> Iterator[tuple[Term, ...]]:
    """Every hierarchical model with interactions of order 2..max_order (main effects always in)."""
    yield from _extend((), m, 2, max_order, allowed)


def _extend(model: tuple[Term, ...], m: int, order: int, max_order: int,
            allowed: set[Term] | None) -> Iterator[tuple[Term, ...]]:
    present = set(model)
    eligible = [t for t in combinations(range(m), order)
                if (allowed is None or t in allowed)
                and (order == 2 or all(s in present for s in combinations(t, order - 1)))]
    yield model
    if order > max_order:
        return
    for k in range(1, len(eligible) + 1):
        for chosen in combinations(eligible, k):
            if order == max_order:
                yield model + chosen
            else:
                yield from _extend(model + chosen, m, order + 1, max_order, allowed)


def count_models(m: int, max_order: int, limit: int, allowed: set[Term] | None = None) -> int:
    total = 0
    for _ in hierarchical_models(m, max_order, allowed):
        total += 1
        if total > limit:
            break
    return total


def best_bic(counts: IntArray, m: int, max_order: int) -> Selection:
    """Exhaustive search by BIC; beyond MAX_BIC_MODELS models, forward selection by BIC instead."""
    allowed = set(overlapping_terms(counts, m, _all_terms(m, max_order)))
    n_pairs = sum(1 for t in allowed if len(t) == 2)
    if 2**n_pairs > MAX_BIC_MODELS or count_models(m, max_order, MAX_BIC_MODELS, allowed) > MAX_BIC_MODELS:
        note = (f"more than {MAX_BIC_MODELS} hierarchical models: BIC searched forward from main effects "
                "instead of exhaustively")
        return _forward_bic(counts, m, max_order, allowed, note)
    best = fit_model(counts, m, ())
    for terms in hierarchical_models(m, max_order, allowed):
        try:
            candidate = fit_model(counts, m, terms)
        except ModelRefused:
            continue
        if candidate.bic < best.bic - 1e-9:
            best = candidate
    return Selection(best, tuple(Step(t, best.bic) for t in best.terms))


def _forward_bic(counts: IntArray, m: int, max_order: int, allowed: set[Term], note: str) -> Selection:
    fit = fit_model(counts, m, ())
    while True:
        options = [t for t in _hierarchical_additions(fit.terms, m, max_order) if t in allowed]
        best: ModelFit | None = None
        for term in options:
            try:
                candidate = fit_model(counts, m, (*fit.terms, term), start=fit)
            except ModelRefused:
                continue
            if best is None or candidate.bic < best.bic - 1e-9:
                best = candidate
        if best is None or best.bic >= fit.bic:
            return Selection(fit, tuple(Step(t, fit.bic) for t in fit.terms), (note,))
        fit = best


def _hierarchical_additions(terms: tuple[Term, ...], m: int, max_order: int) -> list[Term]:
    present = set(terms)
    out: list[Term] = []
    for order in range(2, max_order + 1):
        for t in combinations(range(m), order):
            if t not in present and (order == 2 or all(s in present for s in combinations(t, order - 1))):
                out.append(t)
    return out


def _all_terms(m: int, max_order: int) -> list[Term]:
    return [t for order in range(2, max_order + 1) for t in combinations(range(m), order)]
