"""Existence and identifiability of the maximum-likelihood estimate, checked before every fit.

Existence: the linear program of Fienberg & Rinaldo (2012), as in SparseMSE `checkident`: maximise t
subject to A y = A n (same sufficient statistics as the observed counts n), y >= t, y >= 0. The MLE
exists (every fitted cell is positive) exactly when the optimum t is strictly positive. The answer only
depends on which cells are non-zero, so answers are reused across bootstrap replicates.
Identifiability: the design matrix (rows left after structural zeros) has full column rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np
from scipy.optimize import linprog

from .design import Term, full_design, row_mask, term_column
from .table import FloatArray, IntArray


@dataclass(frozen=True)
class Check:
    exists: bool
    identifiable: bool

    @property
    def ok(self) -> bool:
        return self.exists and self.identifiable

    def reason(self) -> str:
        if not self.identifiable:
            return "the model has more parameters than the observed overlaps can determine (not identifiable)"
        if not self.exists:
            return "the maximum-likelihood estimate does not exist (the estimate would be infinite or on the boundary)"
        return ""


def check_model(counts: IntArray, m: int, kept: tuple[Term, ...], empty: tuple[Term, ...]) -> Check:
    """Check a model whose overlapping terms are `kept` and whose empty-overlap terms are `empty`."""
    mask = row_mask(m, empty)
    identifiable = _identifiable(m, kept, empty)
    rows = counts[mask]
    if not identifiable or (rows > 0).all():
        return Check(True, identifiable)
    wider = _widest_model(counts, m, kept)
    if wider != kept and _exists(m, wider, empty, rows):
        return Check(True, identifiable)
    return Check(_exists(m, kept, empty, rows), identifiable)


def _widest_model(counts: IntArray, m: int, kept: tuple[Term, ...]) -> tuple[Term, ...]:
    """The model with every overlapping pair (plus the model's own higher terms). If its MLE exists,
    so does every sub-model's on the same cells (SparseMSE `checkallmodels`): one LP serves many models."""
    pairs = [p for p in combinations(range(m), 2) if int(term_column(m, p) @ counts) > 0]
    return tuple(sorted(set(pairs) | set(kept), key=lambda t: (len(t), t)))


@lru_cache(maxsize=65536)
def _identifiable(m: int, kept: tuple[Term, ...], empty: tuple[Term, ...]) -> bool:
    X = full_design(m, kept)[row_mask(m, empty)]
    return bool(np.linalg.matrix_rank(X) == X.shape[1])


_KNOWN: dict[tuple[int, tuple[Term, ...], tuple[Term, ...]], tuple[list[int], list[int]]] = {}


def _bitmask(flags: np.ndarray) -> int:
    return int.from_bytes(np.packbits(flags.astype(np.uint8), bitorder="little").tobytes(), "little")


def _exists(m: int, kept: tuple[Term, ...], empty: tuple[Term, ...], rows: IntArray) -> bool:
    """Existence only depends on which cells are positive, and is monotone: a model whose MLE exists on
    some set of positive cells has one on every larger set. Known answers are reused that way."""
    if len(_KNOWN) > 50_000:
        _KNOWN.clear()
    positive, not_positive = _KNOWN.setdefault((m, kept, empty), ([], []))
    support = _bitmask(rows > 0)
    if any(known & ~support == 0 for known in positive):
        return True
    if any(support & ~known == 0 for known in not_positive):
        return False
    X = full_design(m, kept)[row_mask(m, empty)]
    exists = mle_exists(X, (rows > 0).astype(np.float64))
    (positive if exists else not_positive).append(support)
    return exists


def mle_exists(X: FloatArray, y: FloatArray) -> bool:
    """The LP test: is there a strictly positive table with the same margins as y?

    Maximise t subject to X' (t 1 + z) = X' y with z >= 0 and t >= 0 (y = t 1 + z, SparseMSE's LP
    written with one equality per parameter only); the MLE exists when the optimum t is positive.
    """
    n_rows = X.shape[0]
    tvec = X.T @ y
    c = np.zeros(n_rows + 1)
    c[-1] = -1.0
    a_eq = np.hstack([X.T, X.sum(axis=0)[:, None]])
    result = linprog(c, A_eq=a_eq, b_eq=tvec, bounds=(0, None), method="highs")
    if result.status != 0:
        return False
    return bool(-result.fun > 1e-7 * max(1.0, float(y.sum())))
