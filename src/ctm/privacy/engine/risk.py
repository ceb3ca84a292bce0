"""Re-identification risk: prosecutor, journalist and marketer models, and SUDA special uniques.

With ``f_j`` the size of a record's equivalence class in the release and ``F_j`` in the population:

- prosecutor (the attacker knows the person is in the release): risk ``1 / f_j``;
- journalist (the attacker knows only that the person is in the population): risk ``1 / F_j``, with
  ``F_j`` estimated as ``f_j / sampling_fraction`` (at least ``f_j``);
- marketer (the attacker tries to re-identify as many as possible): the expected share of records
  re-identified, ``mean(1 / F_j)``.

Special uniques follow SUDA: a minimal sample unique (MSU) is a set of quasi-identifier values that is
unique in the table while none of its proper subsets is; a record's SUDA score sums ``(m - |msu|)!``
over its MSUs of size up to ``max_size`` (m the number of quasi-identifiers).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from .lattice import group_sizes

FloatArray = npt.NDArray[np.float64]


def reidentification_risk(
    class_sizes_per_record: FloatArray, threshold: float = 0.1, sampling_fraction: float = 1.0
) -> dict[str, object]:
    """Risk under the three attacker models from each record's equivalence class size."""
    f = np.asarray(class_sizes_per_record, dtype=np.float64)
    if f.size == 0:
        return {"threshold": threshold, "sampling_fraction": sampling_fraction, "records": 0}
    prosecutor = 1.0 / f
    population = np.maximum(np.ceil(f / sampling_fraction), f)
    journalist = 1.0 / population
    return {
        "threshold": threshold,
        "sampling_fraction": sampling_fraction,
        "prosecutor": _summary(prosecutor, threshold),
        "journalist": _summary(journalist, threshold),
        "marketer": {"average": float(journalist.mean())},
    }


def _summary(risk: FloatArray, threshold: float) -> dict[str, float]:
    return {
        "average": float(risk.mean()),
        "highest": float(risk.max()),
        "share_above_threshold": float((risk > threshold).mean()),
    }


def record_class_sizes(frame: pd.DataFrame, columns: Sequence[str]) -> FloatArray:
    """Size of each record's equivalence class over ``columns``."""
    return class_sizes_of_codes(_codes(frame, columns))


def class_sizes_of_codes(codes: Sequence[tuple[npt.NDArray[np.int64], int]]) -> FloatArray:
    return group_sizes([c for c, _ in codes], [s for _, s in codes]).astype(np.float64)


def _codes(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[npt.NDArray[np.int64], int]]:
    out = []
    for column in columns:
        code, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        out.append((code.astype(np.int64), len(uniques)))
    return out


def special_uniques(frame: pd.DataFrame, columns: Sequence[str], max_size: int = 3) -> dict[str, object]:
    """SUDA-style minimal sample uniques of size up to ``max_size``."""
    return special_uniques_of_codes(_codes(frame, columns), max_size)


def special_uniques_of_codes(
    codes: Sequence[tuple[npt.NDArray[np.int64], int]], max_size: int = 3
) -> dict[str, object]:
    """``special_uniques`` on integer-coded columns (code, number of codes)."""
    m, n = len(codes), len(codes[0][0]) if codes else 0
    unique_sets: dict[tuple[int, ...], npt.NDArray[np.bool_]] = {}
    score = np.zeros(n)
    by_size = {}
    for size in range(1, min(max_size, m) + 1):
        found = np.zeros(n, dtype=bool)
        for subset in itertools.combinations(range(m), size):
            unique = group_sizes([codes[i][0] for i in subset], [codes[i][1] for i in subset]) == 1
            unique_sets[subset] = unique
            minimal = unique & ~_any_subset_unique(subset, unique_sets, n)
            score += minimal * math.factorial(m - size)
            found |= minimal
        by_size[str(size)] = int(found.sum())
    with_msu = score > 0
    return {
        "max_size": max_size,
        "records_with_msu": int(with_msu.sum()),
        "share_with_msu": float(with_msu.mean()) if n else 0.0,
        "records_with_msu_by_size": by_size,
        "suda_score_mean": float(score.mean()) if n else 0.0,
        "suda_score_max": float(score.max()) if n else 0.0,
    }


def _any_subset_unique(
    subset: tuple[int, ...], unique_sets: dict[tuple[int, ...], npt.NDArray[np.bool_]], n: int
) -> npt.NDArray[np.bool_]:
    result = np.zeros(n, dtype=bool)
    for smaller in itertools.combinations(subset, len(subset) - 1):
        if smaller in unique_sets:
            result |= unique_sets[smaller]
    return result
