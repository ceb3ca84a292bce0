"""Marginal-based differentially private synthesis with the ``mbi`` package (Private-PGM): MST and AIM.

Both measure noisy marginals with the Gaussian mechanism under zero-concentrated DP (rho converted
from epsilon and delta), fit a graphical model to the measurements with ``mbi`` and **sample**
records from it (never rounding: rounding creates false correlations).

- MST (McKenna, Miklau, Sheldon 2021): all 1-way marginals, then a maximum spanning tree of 2-way
  marginals chosen with the exponential mechanism; one third of the budget for each step.
- MST+ (CTM's recommendation): MST, then as many more 2-way marginals as the tree has edges, picked
  by the same exponential mechanism among the pairs that keep every clique of the model's junction
  tree within ``max_clique_cells``; the model is no longer a tree, so it can carry the dependencies
  that 3-way marginals need.
- AIM (McKenna et al. 2022): all 1-way marginals, then rounds that pick the worst-approximated 1-,
  2- or 3-way marginal (exponential mechanism, scores weighted by the workload of 3-way marginals)
  and measure it, halving the noise when a round did not help, until the budget is spent. Rounds
  and model size are capped so that runs stay short.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jax
import numpy as np
import numpy.typing as npt

jax.config.update("jax_enable_x64", True)

import mbi  # noqa: E402 - must follow the float64 switch above
from mbi import estimation  # noqa: E402

from .encoding import Encoded, IntArray  # noqa: E402

FloatArray = npt.NDArray[np.float64]
Clique = tuple[str, ...]
Tick = Callable[[str], None]


@dataclass(frozen=True)
class MarginalSettings:
    iters: int = 2000
    aim_rounds: int = 6
    mst_split: tuple[float, float, float] = (1 / 3, 1 / 3, 1 / 3)  # 1-way, selection, 2-way shares of rho
    extra_edges: int = 0  # 2-way marginals selected beyond the spanning tree (0 = MST as published)
    max_clique_cells: int = 100_000
    aim_iters: int = 300
    max_model_mb: float = 20.0
    degree: int = 3


def cdp_delta(rho: float, epsilon: float) -> float:
    """The delta of (epsilon, delta)-DP implied by rho-zCDP, with the tight conversion of Canonne,
    Kamath and Steinke (2020), as in Private-PGM."""
    if rho <= 0:
        return 0.0
    low, high = 1.01, (epsilon + 1) / (2 * rho) + 2
    for _ in range(200):
        alpha = (low + high) / 2
        if (2 * alpha - 1) * rho - epsilon + math.log1p(-1.0 / alpha) < 0:
            low = alpha
        else:
            high = alpha
    delta = math.exp((alpha - 1) * (alpha * rho - epsilon) + alpha * math.log1p(-1 / alpha)) / (alpha - 1.0)
    return min(delta, 1.0)


def cdp_rho(epsilon: float, delta: float) -> float:
    """The largest zCDP rho whose (epsilon, delta)-DP guarantee holds (bisection on ``cdp_delta``)."""
    low, high = 0.0, epsilon + 1.0
    for _ in range(200):
        rho = (low + high) / 2
        if cdp_delta(rho, epsilon) <= delta:
            low = rho
        else:
            high = rho
    return low


def _domain(encoded: Encoded) -> mbi.Domain:
    return mbi.Domain(list(encoded.columns), [encoded.sizes[c] for c in encoded.columns])


def _histogram(encoded: Encoded, clique: Clique) -> FloatArray:
    sizes = [encoded.sizes[c] for c in clique]
    flat = np.ravel_multi_index([encoded.codes[c] for c in clique], sizes)
    return np.bincount(flat, minlength=int(np.prod(sizes))).astype(np.float64)


def _measure(
    encoded: Encoded, clique: Clique, sigma: float, rng: np.random.Generator
) -> tuple[mbi.LinearMeasurement, FloatArray]:
    noisy = _histogram(encoded, clique) + rng.normal(0.0, sigma, size=_size(encoded, clique))
    return mbi.LinearMeasurement(noisy, clique, stddev=sigma), noisy


def _size(encoded: Encoded, clique: Clique) -> int:
    return int(np.prod([encoded.sizes[c] for c in clique]))


def _estimate(
    encoded: Encoded, measurements: list[mbi.LinearMeasurement], iters: int, warm: mbi.MarkovRandomField | None = None
) -> mbi.MarkovRandomField:
    return estimation.MirrorDescent().estimate(_domain(encoded), measurements, iters=iters, warm_start=warm)


def _sample(model: mbi.MarkovRandomField, rows: int | None, seed: int) -> dict[str, IntArray]:
    """``rows`` records (None: the model's noisy total, never the private count)."""
    np.random.seed(seed % 2**32)  # mbi samples with numpy's global generator
    synthetic = model.synthetic_data(rows=rows, method="sample")
    return {str(k): np.asarray(v, dtype=np.int64) for k, v in synthetic.to_dict().items()}


def _exponential(scores: FloatArray, epsilon: float, sensitivity: float, rng: np.random.Generator) -> int:
    logits = 0.5 * epsilon / sensitivity * (scores - scores.max())
    probs = np.exp(logits)
    return int(rng.choice(len(scores), p=probs / probs.sum()))


def mst(
    encoded: Encoded, epsilon: float, delta: float, rows: int | None, seed: int,
    settings: MarginalSettings = MarginalSettings(), tick: Tick | None = None,
) -> dict[str, IntArray]:
    rng = np.random.default_rng(seed)
    rho = cdp_rho(epsilon, delta)
    share_1, share_select, share_2 = settings.mst_split
    d = len(encoded.columns)
    sigma = math.sqrt(d / (2.0 * rho * share_1))
    one_way = {c: _histogram(encoded, (c,)) + rng.normal(0.0, sigma, encoded.sizes[c]) for c in encoded.columns}
    small, compression = compress(encoded, one_way, sigma)
    _tick(tick, "1-way marginals measured")
    tree = _select_tree(small, [compression.counts(c, one_way[c]) for c in small.columns], rho * share_select, rng,
                        settings)
    _tick(tick, "spanning tree selected")
    sigma2 = math.sqrt(max(len(tree), 1) / (2.0 * rho * share_2))
    measurements = [compression.measurement(c, one_way[c], sigma) for c in small.columns]
    measurements += [_measure(small, clique, sigma2, rng)[0] for clique in tree]
    model = _estimate(small, measurements, settings.iters)
    _tick(tick, "model fitted")
    return compression.expand(_sample(model, rows, seed), rng)


@dataclass(frozen=True)
class Compression:
    """Values whose noisy count is below 3 sigma are merged into one value per column (as in MST);
    a synthetic record drawing the merged value gets one of them in proportion to its noisy count."""

    kept: dict[str, IntArray]  # column -> original codes kept, in compressed order
    merged: dict[str, IntArray]  # column -> original codes merged into the last compressed value
    weights: dict[str, FloatArray]

    def measurement(self, column: str, noisy: FloatArray, sigma: float) -> mbi.LinearMeasurement:
        """The noisy 1-way count re-expressed on the compressed domain (post-processing, no budget)."""
        if self.merged[column].size == 0:
            return mbi.LinearMeasurement(noisy, (column,), stddev=sigma)
        scale = math.sqrt(self.merged[column].size)
        values = np.append(noisy[self.kept[column]], noisy[self.merged[column]].sum() / scale)
        weights = np.append(np.ones(self.kept[column].size), 1.0 / scale)
        return mbi.LinearMeasurement(values, (column,), stddev=sigma, query=mbi.WeightedQuery(weights))

    def counts(self, column: str, noisy: FloatArray) -> FloatArray:
        """The noisy 1-way counts on the compressed domain."""
        kept, merged = noisy[self.kept[column]], noisy[self.merged[column]]
        return np.append(kept, merged.sum()) if merged.size else kept

    def expand(self, codes: dict[str, IntArray], rng: np.random.Generator) -> dict[str, IntArray]:
        out = {}
        for column, small in codes.items():
            kept, merged = self.kept[column], self.merged[column]
            full = np.append(kept, -1)[small]
            other = full == -1
            if other.any():
                full[other] = rng.choice(merged, size=int(other.sum()), p=self.weights[column])
            out[column] = full
        return out


def compress(encoded: Encoded, noisy: dict[str, FloatArray], sigma: float) -> tuple[Encoded, Compression]:
    codes, labels, kept_all, merged_all, weights = {}, {}, {}, {}, {}
    for column in encoded.columns:
        keep = noisy[column] >= 3 * sigma
        kept, merged = np.flatnonzero(keep), np.flatnonzero(~keep)
        if merged.size <= 1:
            kept, merged = np.arange(encoded.sizes[column]), np.zeros(0, dtype=np.int64)
        mapping = np.full(encoded.sizes[column], kept.size, dtype=np.int64)
        mapping[kept] = np.arange(kept.size)
        codes[column] = mapping[encoded.codes[column]]
        labels[column] = tuple(str(i) for i in range(kept.size + (merged.size > 0)))
        kept_all[column], merged_all[column] = kept.astype(np.int64), merged.astype(np.int64)
        share = np.clip(noisy[column][merged], 1e-9, None) if merged.size else np.ones(0)
        weights[column] = share / share.sum() if merged.size else share
    small = Encoded(encoded.columns, codes, labels)
    return small, Compression(kept_all, merged_all, weights)


def _select_tree(
    encoded: Encoded, noisy_one_way: Sequence[FloatArray], rho: float, rng: np.random.Generator,
    settings: MarginalSettings,
) -> list[Clique]:
    """Kruskal with the exponential mechanism over the L1 error of an independence model per pair,
    then ``settings.extra_edges`` more pairs whose junction tree stays within ``max_clique_cells``."""
    columns = list(encoded.columns)
    probs = {c: _normalise(y) for c, y in zip(columns, noisy_one_way, strict=True)}
    n = encoded.rows
    weights = {}
    for a, b in itertools.combinations(columns, 2):
        independent = n * np.outer(probs[a], probs[b]).ravel()
        weights[(a, b)] = float(np.abs(_histogram(encoded, (a, b)) - independent).sum())
    parent = {c: c for c in columns}
    chosen: list[Clique] = []
    if len(columns) < 2:
        return chosen
    eps = math.sqrt(8.0 * rho / (len(columns) - 1 + settings.extra_edges))
    for _ in range(len(columns) - 1):
        candidates = [e for e in weights if _root(parent, e[0]) != _root(parent, e[1])]
        pick = candidates[_exponential(np.array([weights[e] for e in candidates]), eps, 1.0, rng)]
        parent[_root(parent, pick[0])] = _root(parent, pick[1])
        chosen.append(pick)
    for _ in range(settings.extra_edges):
        candidates = [e for e in weights if e not in chosen and _fits_tree(encoded, [*chosen, e], settings)]
        if not candidates:
            break
        chosen.append(candidates[_exponential(np.array([weights[e] for e in candidates]), eps, 1.0, rng)])
    return chosen


def _fits_tree(encoded: Encoded, cliques: list[Clique], settings: MarginalSettings) -> bool:
    """Whether the junction tree of ``cliques`` keeps every clique within ``max_clique_cells``."""
    tree, _ = mbi.junction_tree.make_junction_tree(_domain(encoded), cliques)
    return all(_size(encoded, tuple(c)) <= settings.max_clique_cells for c in tree.nodes)


def _root(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        node = parent[node]
    return node


def _normalise(noisy: FloatArray) -> FloatArray:
    clipped = np.clip(noisy, 0.0, None)
    total = clipped.sum()
    return clipped / total if total > 0 else np.full(len(noisy), 1.0 / len(noisy))


def aim(
    encoded: Encoded, epsilon: float, delta: float, rows: int | None, seed: int,
    settings: MarginalSettings = MarginalSettings(), tick: Tick | None = None,
) -> dict[str, IntArray]:
    rng = np.random.default_rng(seed)
    rho = cdp_rho(epsilon, delta)
    rounds = settings.aim_rounds
    sigma = math.sqrt((rounds + len(encoded.columns)) / (2 * 0.9 * rho))
    eps_select = math.sqrt(8 * 0.1 * rho / rounds)
    one_way = {c: _histogram(encoded, (c,)) + rng.normal(0.0, sigma, encoded.sizes[c]) for c in encoded.columns}
    full, (encoded, compression) = encoded, compress(encoded, one_way, sigma)
    measurements = [compression.measurement(c, one_way[c], sigma) for c in encoded.columns]
    used = len(encoded.columns) * 0.5 / sigma**2
    model = _estimate(encoded, measurements, settings.aim_iters)
    candidates = _workload_closure(encoded, settings.degree)
    cliques: list[Clique] = []
    for round_no in range(rounds):
        step = 0.5 / sigma**2 + eps_select**2 / 8
        remaining = rho - used
        if remaining < step:
            break
        if remaining < 2 * step:  # the last round spends what is left
            sigma, eps_select = math.sqrt(1 / (2 * 0.9 * remaining)), math.sqrt(8 * 0.1 * remaining)
        used += 0.5 / sigma**2 + eps_select**2 / 8
        allowed = _fits(encoded, cliques, candidates, settings.max_model_mb * used / rho)
        clique = _worst(encoded, model, allowed, eps_select, sigma, rng)
        before = np.asarray(model.project(clique).datavector())
        measurements.append(_measure(encoded, clique, sigma, rng)[0])
        cliques.append(clique)
        model = _estimate(encoded, measurements, settings.aim_iters, warm=model)
        after = np.asarray(model.project(clique).datavector())
        if np.abs(after - before).sum() <= sigma * math.sqrt(2 / math.pi) * before.size:
            sigma, eps_select = sigma / 2, eps_select * 2
        _tick(tick, f"round {round_no + 1}: {'+'.join(clique)}")
    model = _estimate(encoded, measurements, settings.iters, warm=model)
    _tick(tick, f"model fitted ({full.rows} records, {len(cliques)} marginals selected)")
    return compression.expand(_sample(model, rows, seed), rng)


def _workload_closure(encoded: Encoded, degree: int) -> dict[Clique, float]:
    """Every 1..degree-way marginal, weighted by how many workload (degree-way) marginals contain it."""
    columns = list(encoded.columns)
    workload = list(itertools.combinations(columns, min(degree, len(columns))))
    weights: dict[Clique, float] = {}
    for size in range(1, min(degree, len(columns)) + 1):
        for clique in itertools.combinations(columns, size):
            weights[clique] = float(sum(set(clique) <= set(w) for w in workload))
    return weights


def _fits(encoded: Encoded, cliques: list[Clique], candidates: dict[Clique, float], limit_mb: float) -> dict[Clique, float]:
    """Candidates whose addition keeps the model's largest table within ``limit_mb``."""
    out = {}
    for clique, weight in candidates.items():
        cells = max(_size(encoded, c) for c in [*cliques, clique])
        if cells * 8 / 2**20 <= limit_mb or len(clique) == 1:
            out[clique] = weight
    return out


def _worst(
    encoded: Encoded, model: mbi.MarkovRandomField, candidates: dict[Clique, float],
    epsilon: float, sigma: float, rng: np.random.Generator,
) -> Clique:
    keys = list(candidates)
    scores = np.zeros(len(keys))
    sample = Encoded(encoded.columns, _sample(model, None, int(rng.integers(2**31))), encoded.labels)
    for i, clique in enumerate(keys):
        estimate = _histogram(sample, clique)  # a sample of the model: projecting 100s of cliques is slow
        error = np.abs(_histogram(encoded, clique) - estimate).sum()
        scores[i] = candidates[clique] * (error - math.sqrt(2 / math.pi) * sigma * estimate.size)
    sensitivity = max(candidates.values())
    return keys[_exponential(scores, epsilon, sensitivity, rng)]


def _tick(tick: Tick | None, message: str) -> None:
    if tick is not None:
        tick(message)
