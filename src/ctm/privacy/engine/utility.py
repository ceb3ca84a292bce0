"""Utility of a synthetic (or any released) table against the real one.

- total variation distance (TVD, half the L1 distance between normalised counts) over every 1-, 2-
  and 3-way marginal: mean and max per order;
- rare real combinations lost (2- and 3-way combinations seen fewer than ``rare`` times in the real
  data and absent from the synthetic data) and combinations fabricated (present in the synthetic
  data, absent from the real data);
- the share of synthetic rows identical to a real row, and the exact-match rate against one half of
  the real rows next to the rate the other (held-out) real half has against it: a synthesizer that
  copies records scores above the held-out half;
- a matrix of 2-way TVD per column pair (1-way TVD on the diagonal) for the heat map.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .encoding import Encoded, IntArray, encode, encode_like
from .lattice import dense_ids

RARE = 10


def _pair_ids(real: Encoded, synth: dict[str, IntArray], clique: Sequence[str]) -> tuple[IntArray, IntArray]:
    """Combination ids of real and synthetic rows over ``clique`` in one shared id space."""
    n = real.rows
    columns = [np.concatenate([real.codes[c], synth[c] + 0]) for c in clique]
    sizes = [real.sizes[c] + 1 for c in clique]
    shifted = [np.where(col < 0, size - 1, col) for col, size in zip(columns, sizes, strict=True)]
    ids = dense_ids(shifted, sizes)
    return ids[:n], ids[n:]


def _tvd(real_ids: IntArray, synth_ids: IntArray) -> tuple[float, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    size = int(max(real_ids.max(initial=0), synth_ids.max(initial=0))) + 1
    p = np.bincount(real_ids, minlength=size).astype(np.float64)
    q = np.bincount(synth_ids, minlength=size).astype(np.float64)
    tvd = 0.5 * np.abs(p / max(p.sum(), 1) - q / max(q.sum(), 1)).sum()
    return float(tvd), p, q


def utility_report(real: pd.DataFrame, synthetic: pd.DataFrame, rare: int = RARE, seed: int = 0) -> dict[str, Any]:
    columns = list(real.columns)
    encoded = encode(real, columns)
    synth = encode_like(synthetic[columns], encoded)
    report: dict[str, Any] = {"rare_threshold": rare}
    matrix = np.zeros((len(columns), len(columns)))
    for order in (1, 2, 3):
        tvds, lost, rare_total, fabricated, fabricated_rows = [], 0, 0, 0, 0.0
        for clique in itertools.combinations(range(len(columns)), order):
            real_ids, synth_ids = _pair_ids(encoded, synth, [columns[i] for i in clique])
            tvd, p, q = _tvd(real_ids, synth_ids)
            tvds.append(tvd)
            _fill(matrix, clique, tvd)
            rare_mask = (p > 0) & (p < rare)
            rare_total += int(rare_mask.sum())
            lost += int((rare_mask & (q == 0)).sum())
            fabricated += int(((p == 0) & (q > 0)).sum())
            fabricated_rows += float(q[p == 0].sum() / max(q.sum(), 1))
        if not tvds:
            continue
        report[f"tvd_{order}way"] = {"mean": float(np.mean(tvds)), "max": float(np.max(tvds)), "marginals": len(tvds)}
        if order > 1:
            report[f"combinations_{order}way"] = {
                "rare_real": rare_total, "rare_lost": lost,
                "rare_lost_share": lost / rare_total if rare_total else 0.0,
                "fabricated": fabricated, "fabricated_row_share_mean": fabricated_rows / len(tvds),
            }
    report["identical_row_share"] = identical_share(encoded, synth)
    report["exact_match"] = exact_match_rates(real, synthetic[columns], seed)
    report["tvd_2way_matrix"] = {"columns": columns, "values": matrix.round(6).tolist()}
    return report


def _fill(matrix: npt.NDArray[np.float64], clique: tuple[int, ...], tvd: float) -> None:
    if len(clique) == 1:
        matrix[clique[0], clique[0]] = tvd
    elif len(clique) == 2:
        matrix[clique[0], clique[1]] = matrix[clique[1], clique[0]] = tvd


def identical_share(real: Encoded, synth: dict[str, IntArray]) -> float:
    """Share of synthetic rows equal, on every column, to some real row."""
    real_ids, synth_ids = _pair_ids(real, synth, list(real.columns))
    if synth_ids.size == 0:
        return 0.0
    return float(np.isin(synth_ids, np.unique(real_ids)).mean())


def _row_keys(frame: pd.DataFrame) -> npt.NDArray[np.uint64]:
    hashed = pd.util.hash_pandas_object(frame.astype(object).fillna("\0").astype(str), index=False)
    return np.asarray(hashed, dtype=np.uint64)


def exact_match_rates(real: pd.DataFrame, synthetic: pd.DataFrame, seed: int = 0) -> dict[str, float]:
    """Share of synthetic rows equal to a row of a random half of the real data, and the same share for
    the other, held-out real half: what a release that learned only the distribution would reach."""
    rng = np.random.default_rng(seed)
    half = rng.permutation(len(real)) < len(real) // 2
    reference = np.unique(_row_keys(real.loc[half]))
    held_out, drawn = _row_keys(real.loc[~half]), _row_keys(synthetic)
    return {
        "synthetic": float(np.isin(drawn, reference).mean()) if drawn.size else 0.0,
        "held_out_real": float(np.isin(held_out, reference).mean()) if held_out.size else 0.0,
    }


def heatmap(report: dict[str, Any], path: str | Path, title: str = "2-way TVD") -> Path:
    """Write the 2-way TVD matrix of a utility report as a PNG heat map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = report["tvd_2way_matrix"]["columns"]
    values = np.array(report["tvd_2way_matrix"]["values"])
    size = max(4.0, 0.6 * len(columns) + 2)
    fig, ax = plt.subplots(figsize=(size, size * 0.85))
    image = ax.imshow(values, cmap="viridis", vmin=0.0, vmax=max(float(values.max()), 1e-9))
    ax.set_xticks(range(len(columns)), columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(columns)), columns, fontsize=8)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="total variation distance")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
