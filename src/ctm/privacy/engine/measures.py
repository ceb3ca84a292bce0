"""Privacy and information-loss measures of a released table.

Privacy measures are computed on the released table itself (the file a researcher gets), over the
records that were not suppressed. Information-loss measures need the hierarchies and the chosen
node, so they are computed on the frequency set of the search.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from .lattice import FrequencySet, NodeResult, dense_ids, node_loss

Mask = npt.NDArray[np.bool_]


def class_ids(frame: pd.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.int64]:
    """Equivalence class of each row over ``columns`` (missing is a value of its own)."""
    codes, sizes = [], []
    for column in columns:
        code, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        codes.append(code.astype(np.int64))
        sizes.append(len(uniques))
    if not codes:
        return np.zeros(len(frame), dtype=np.int64)
    return dense_ids(codes, sizes)


def privacy_measures(
    frame: pd.DataFrame, qis: Sequence[str], sensitive: str | None, suppressed: Mask,
    ids: npt.NDArray[np.int64] | None = None,
) -> dict[str, object]:
    """Achieved k, l (distinct and entropy) and t over the released, non-suppressed records.

    ``ids`` (optional) are the equivalence classes of the kept records, if already known."""
    kept = frame.loc[~suppressed]
    out: dict[str, object] = {"records": len(frame), "records_suppressed": int(suppressed.sum())}
    out["share_suppressed"] = float(suppressed.mean()) if len(frame) else 0.0
    if kept.empty:
        return {**out, "k_achieved": None, "equivalence_classes": 0}
    ids = class_ids(kept, qis) if ids is None else ids
    sizes = np.bincount(ids)
    out.update(k_achieved=int(sizes.min()), equivalence_classes=len(sizes))
    out["average_class_size"] = float(sizes.mean())
    if sensitive is not None:
        out.update(diversity(kept[sensitive], ids, len(sizes)))
    return out


def diversity(values: pd.Series, ids: npt.NDArray[np.int64], n_classes: int) -> dict[str, float]:
    """Distinct l, entropy l (exp of the least class entropy) and t (largest variational distance)."""
    codes, uniques = pd.factorize(values.fillna(""), sort=True)
    table = np.zeros((n_classes, max(len(uniques), 1)))
    np.add.at(table, (ids, codes), 1.0)
    shares = table / table.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(shares > 0, shares * np.log(shares), 0.0), axis=1)
    overall = table.sum(axis=0) / table.sum()
    distance = 0.5 * np.abs(shares - overall).sum(axis=1)
    return {
        "l_distinct_achieved": int((table > 0).sum(axis=1).min()),
        "l_entropy_achieved": float(np.exp(entropy.min())),
        "t_achieved": float(distance.max()),
    }


def information_loss(freq: FrequencySet, result: NodeResult) -> dict[str, float]:
    """Discernibility, non-uniform entropy and generalization intensity of the chosen node."""
    n = freq.total
    kept = ~result.suppressed_rows
    class_sizes = np.bincount(result.class_of_row[kept], weights=freq.counts[kept])
    discernibility = float((class_sizes**2).sum() + result.suppressed * n)
    entropy = node_loss(freq, result, "entropy")
    top = [len(levels) - 1 for levels in freq.level_codes]
    max_entropy = sum(float(freq.counts @ freq.cell_loss[q][t]) for q, t in enumerate(top))
    return {
        "discernibility": discernibility,
        "discernibility_normalized": discernibility / (n * n) if n else 0.0,
        "non_uniform_entropy": entropy,
        "non_uniform_entropy_normalized": entropy / max_entropy if max_entropy else 0.0,
        "generalization_intensity": node_loss(freq, result, "intensity") / (n * max(len(top), 1)) if n else 0.0,
    }
