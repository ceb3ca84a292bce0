"""Design matrices of hierarchical log-linear models over the capture histories, cached per table size."""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np
import numpy.typing as npt

from .table import FloatArray, IntArray, history_bits

npt_bool = npt.NDArray[np.bool_]

Term = tuple[int, ...]  # sorted indices of two or more lists, e.g. (0, 2) for A:C


def all_pairs(m: int) -> list[Term]:
    """Pairs in the order SparseMSE uses: (1,2), (1,3), ..., (m-1,m)."""
    return [tuple(p) for p in combinations(range(m), 2)]


def term_name(term: Term, lists: tuple[str, ...]) -> str:
    return ":".join(lists[i] for i in term)


def parse_term(text: str, lists: tuple[str, ...]) -> Term:
    names = text.split(":")
    return tuple(sorted(lists.index(n) for n in names))


@lru_cache(maxsize=32)
def _bits(m: int) -> IntArray:
    return history_bits(m)


@lru_cache(maxsize=4096)
def term_column(m: int, term: Term) -> IntArray:
    """1 for the capture histories containing every list of the term."""
    bits = _bits(m)
    return np.asarray(bits[:, list(term)].prod(axis=1), dtype=np.int64)


@lru_cache(maxsize=16384)
def full_design(m: int, terms: tuple[Term, ...]) -> FloatArray:
    """Intercept, main effects, then one column per interaction term, over all 2**m - 1 histories."""
    columns = [np.ones(2**m - 1), *_bits(m).T, *(term_column(m, t) for t in terms)]
    out = np.column_stack(columns).astype(np.float64)
    out.setflags(write=False)
    return out


def term_totals(counts: IntArray, m: int, terms: list[Term] | tuple[Term, ...]) -> IntArray:
    """For each term, how many people are on all of its lists (whatever else they are on)."""
    return np.array([int(term_column(m, t) @ counts) for t in terms], dtype=np.int64)


def split_empty(counts: IntArray, m: int, terms: tuple[Term, ...]) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """Terms whose lists overlap, and terms whose lists never overlap (fitted as structural zeros)."""
    totals = term_totals(counts, m, terms)
    kept = tuple(t for t, n in zip(terms, totals, strict=True) if n > 0)
    empty = tuple(t for t, n in zip(terms, totals, strict=True) if n == 0)
    return kept, empty


@lru_cache(maxsize=16384)
def row_mask(m: int, empty: tuple[Term, ...]) -> npt_bool:
    """Histories kept in the fit: those containing an empty in-model overlap are structural zeros."""
    mask = np.ones(2**m - 1, dtype=bool)
    for term in empty:
        mask &= term_column(m, term) == 0
    mask.setflags(write=False)
    return mask


def hierarchical_closure_ok(terms: tuple[Term, ...]) -> bool:
    """True when every lower-order interaction contained in a term is itself in the model."""
    present = set(terms)
    for term in terms:
        if len(term) > 2 and any(sub not in present for sub in combinations(term, len(term) - 1)):
            return False
    return True
