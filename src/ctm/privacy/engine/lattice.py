"""Optimal search of the generalization lattice (k-anonymity, l-diversity, t-closeness, suppression).

A node of the lattice is one generalization level per quasi-identifier. Records in equivalence
classes that break a criterion are suppressed; a node is a solution when the share suppressed stays
within the limit. The search returns the solution with the least information loss (non-uniform
entropy or generalization intensity, suppressed cells counted as fully generalized), and it is exact:

1. The data are reduced once to a frequency set (distinct quasi-identifier and sensitive value
   combinations with their counts); a node is evaluated on that set, never on the records.
2. Both loss metrics split into a per-column cost without suppression, ``bound(node) = sum_q
   cost_q[level_q]``, which is a lower bound of the node's loss and grows with generalization. Nodes are
   visited in increasing bound; the search stops when the bound reaches the best loss found.
3. k-anonymity with a suppression limit is monotone (a generalization of a solution is a solution),
   so when a node fails on k, every specialization fails too. As in ARX's Flash, a failing node is
   first pushed up the lattice as far as it keeps failing (binary search along each dimension), and
   every node below that maximal failing node is pruned without evaluation. l-diversity and
   t-closeness with suppression are not monotone, so nodes failing only on them prune nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from .hierarchies import Hierarchy
from .io import InputError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
MAX_NODES = 5_000_000
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Criteria:
    """The privacy model: k-anonymity, optionally l-diversity and t-closeness on one sensitive column."""

    k: int
    l: float | None = None  # noqa: E741 - the literature's name for the l of l-diversity
    l_variant: str = "distinct"
    t: float | None = None
    suppression_limit: float = 0.0


@dataclass
class FrequencySet:
    """Distinct (quasi-identifiers, sensitive) combinations: ``codes[:, q]`` indexes column q's values."""

    codes: IntArray  # (rows, qis) raw value codes; the last code of a column stands for "missing"
    counts: FloatArray
    sensitive: IntArray  # code of the sensitive value per row (0 when there is none)
    n_sensitive: int
    level_codes: list[list[IntArray]]  # [q][level] raw code -> label code at that level
    level_sizes: list[list[int]]
    record_row: IntArray  # record -> row of the frequency set
    record_codes: list[IntArray] = field(default_factory=list)  # [q] raw code of every record
    cell_loss: list[list[FloatArray]] = field(default_factory=list)  # [q][level] loss per row and record

    @property
    def total(self) -> float:
        return float(self.counts.sum())


@dataclass(frozen=True)
class NodeResult:
    node: tuple[int, ...]
    class_of_row: IntArray
    class_sizes: FloatArray
    suppressed_rows: npt.NDArray[np.bool_]
    suppressed: float
    k_ok: bool
    ok: bool


@dataclass
class SearchResult:
    node: tuple[int, ...]
    result: NodeResult
    loss: float
    evaluated: int
    pruned: int
    lattice_size: int


def dense_ids(columns: Sequence[IntArray], sizes: Sequence[int]) -> IntArray:
    """One dense id per distinct row of several integer columns (mixed radix, refactorised on overflow)."""
    key = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    span = 1
    for column, size in zip(columns, sizes, strict=True):
        if span * max(size, 1) >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max()) + 1 if key.size else 1
        key = key * max(size, 1) + column
        span *= max(size, 1)
    ids: IntArray = np.asarray(pd.factorize(key)[0], dtype=np.int64)
    return ids


def group_sizes(columns: Sequence[IntArray], sizes: Sequence[int]) -> IntArray:
    """For each row, how many rows share its values on ``columns`` (bincount when the key space is small)."""
    span = int(np.prod([max(s, 1) for s in sizes], dtype=np.float64))
    if span <= 1 << 24:
        key = np.ravel_multi_index(list(columns), [max(s, 1) for s in sizes])
        counts: IntArray = np.bincount(key, minlength=span).astype(np.int64)
        return counts[key]
    ids = dense_ids(columns, sizes)
    return np.bincount(ids).astype(np.int64)[ids]


def frequency_set(
    frame: pd.DataFrame, qis: Sequence[str], hierarchies: Sequence[Hierarchy], sensitive: str | None
) -> FrequencySet:
    raw_codes, level_codes, level_sizes, sizes = [], [], [], []
    for column, hierarchy in zip(qis, hierarchies, strict=True):
        codes, labels = _encode_levels(frame[column], hierarchy)
        raw_codes.append(codes)
        sizes.append(len(labels[0]) + 1)
        level_codes.append([np.asarray(lc, dtype=np.int64) for lc in labels])
        level_sizes.append([int(lc.max()) + 1 for lc in labels])
    sens_codes, n_sens = _encode_sensitive(frame, sensitive)
    record_key = dense_ids([*raw_codes, sens_codes], [*sizes, n_sens])
    rows, first, inverse = np.unique(record_key, return_index=True, return_inverse=True)
    counts = np.bincount(inverse, minlength=len(rows)).astype(np.float64)
    codes = np.stack([c[first] for c in raw_codes], axis=1) if raw_codes else np.zeros((len(rows), 0), np.int64)
    freq = FrequencySet(
        codes.astype(np.int64), counts, sens_codes[first], n_sens, level_codes, level_sizes,
        inverse.astype(np.int64), raw_codes,
    )
    freq.cell_loss = [_entropy_loss(freq, q) for q in range(len(qis))]
    return freq


def _encode_levels(series: pd.Series, hierarchy: Hierarchy) -> tuple[IntArray, list[IntArray]]:
    """Raw codes of a column (missing = last code) and, per level, raw code -> label code."""
    values = sorted(hierarchy.levels[0])
    index = {v: i for i, v in enumerate(values)}
    found, uniques = pd.factorize(series)
    unknown = sorted(str(u) for u in uniques if u not in index)
    if unknown:
        raise InputError(f"hierarchy of {series.name!r} lacks values: {', '.join(unknown[:5])}")
    missing = len(values)
    lookup = np.array([index[u] for u in uniques] + [missing], dtype=np.int64)
    codes = lookup[found]  # factorize marks missing with -1: the last entry
    per_level = []
    for level in range(hierarchy.height):
        labels = [hierarchy.generalize(v, level) for v in values]
        label_codes, uniques = pd.factorize(pd.Series(labels, dtype=object))
        top = level == hierarchy.height - 1
        missing_code = label_codes[0] if (top and values) else len(uniques)
        per_level.append(np.append(label_codes, missing_code).astype(np.int64))
    return codes, per_level


def _encode_sensitive(frame: pd.DataFrame, sensitive: str | None) -> tuple[IntArray, int]:
    if sensitive is None:
        return np.zeros(len(frame), dtype=np.int64), 1
    codes, uniques = pd.factorize(frame[sensitive].fillna(""), sort=True)
    return codes.astype(np.int64), max(len(uniques), 1)


def _entropy_loss(freq: FrequencySet, q: int) -> list[FloatArray]:
    """Non-uniform entropy per record of column q at each level: -log2 P(value) / P(label)."""
    raw = freq.codes[:, q]
    raw_count = np.bincount(raw, weights=freq.counts, minlength=len(freq.level_codes[q][0]))
    losses = []
    for codes in freq.level_codes[q]:
        label = codes[raw]
        label_count = np.bincount(label, weights=freq.counts)
        losses.append(np.log2(label_count[label] / raw_count[raw]))
    return losses


def evaluate(freq: FrequencySet, node: tuple[int, ...], criteria: Criteria) -> NodeResult:
    """Equivalence classes of a node, the rows to suppress and whether the node is a solution."""
    columns = [freq.level_codes[q][lvl][freq.codes[:, q]] for q, lvl in enumerate(node)]
    sizes = [freq.level_sizes[q][lvl] for q, lvl in enumerate(node)]
    class_of_row = dense_ids(columns, sizes)
    class_sizes = np.bincount(class_of_row, weights=freq.counts).astype(np.float64)
    bad_class = class_sizes < criteria.k
    k_suppressed = float(class_sizes[bad_class].sum())
    budget = criteria.suppression_limit * freq.total + 1e-9
    k_ok = k_suppressed <= budget
    if k_ok and (criteria.l is not None or criteria.t is not None):
        bad_class = bad_class | _diversity_fails(freq, class_of_row, class_sizes, criteria)
    suppressed_rows = bad_class[class_of_row]
    suppressed = float(class_sizes[bad_class].sum())
    return NodeResult(node, class_of_row, class_sizes, suppressed_rows, suppressed, k_ok, suppressed <= budget)


def _diversity_fails(
    freq: FrequencySet, class_of_row: IntArray, class_sizes: FloatArray, criteria: Criteria
) -> npt.NDArray[np.bool_]:
    n_classes = len(class_sizes)
    pair = class_of_row * freq.n_sensitive + freq.sensitive
    pairs, inverse = np.unique(pair, return_inverse=True)
    pair_counts = np.bincount(inverse, weights=freq.counts)
    pair_class = pairs // freq.n_sensitive
    share = pair_counts / class_sizes[pair_class]
    fails = np.zeros(n_classes, dtype=bool)
    if criteria.l is not None:
        if criteria.l_variant == "entropy":
            entropy = np.bincount(pair_class, weights=-share * np.log(share), minlength=n_classes)
            fails |= np.exp(entropy) < criteria.l - 1e-9
        else:
            fails |= np.bincount(pair_class, minlength=n_classes) < criteria.l
    if criteria.t is not None:
        fails |= class_distance(freq, pairs, pair_class, share, n_classes) > criteria.t + 1e-12
    return fails


def class_distance(
    freq: FrequencySet, pairs: IntArray, pair_class: IntArray, share: FloatArray, n_classes: int
) -> FloatArray:
    """t-closeness distance per class: the variational distance (EMD with equal ground distance)
    between the class's sensitive distribution and the whole table's."""
    overall = np.bincount(freq.sensitive, weights=freq.counts, minlength=freq.n_sensitive) / freq.total
    q = overall[pairs % freq.n_sensitive]
    present = np.bincount(pair_class, weights=np.abs(share - q) - q, minlength=n_classes)
    return np.asarray(0.5 * (present + 1.0), dtype=np.float64)


def column_costs(freq: FrequencySet, metric: str) -> list[FloatArray]:
    """Per column and level, the loss of generalizing every record (no suppression)."""
    if metric == "entropy":
        return [np.array([float(freq.counts @ lvl) for lvl in levels]) for levels in freq.cell_loss]
    if metric == "intensity":
        return [freq.total * np.arange(len(lv)) / max(len(lv) - 1, 1) for lv in freq.level_codes]
    raise InputError(f"unknown information-loss metric {metric!r} (entropy, intensity)")


def node_loss(freq: FrequencySet, result: NodeResult, metric: str) -> float:
    """Loss of a node with suppression: suppressed records count as generalized to the top."""
    per_row = np.zeros(len(freq.counts))
    for q, lvl in enumerate(result.node):
        top = len(freq.level_codes[q]) - 1
        if metric == "entropy":
            cell, top_cell = freq.cell_loss[q][lvl], freq.cell_loss[q][top]
        else:
            cell = np.full(len(freq.counts), lvl / max(top, 1))
            top_cell = np.ones(len(freq.counts))
        per_row += np.where(result.suppressed_rows, top_cell, cell)
    return float(freq.counts @ per_row)


class LatticeSearch:
    """Best-first search with lower bounds and Flash-style predictive pruning (see module docstring)."""

    def __init__(self, freq: FrequencySet, criteria: Criteria, metric: str = "entropy") -> None:
        self.freq, self.criteria, self.metric = freq, criteria, metric
        self.heights = [len(levels) for levels in freq.level_codes]
        self.cache: dict[tuple[int, ...], NodeResult] = {}
        self.failing = np.zeros((0, len(self.heights)), dtype=np.int64)

    def lattice_size(self) -> int:
        return int(np.prod(self.heights, dtype=np.float64))

    def run(self, progress: Progress | None = None) -> SearchResult:
        size = self.lattice_size()
        if size > MAX_NODES:
            raise InputError(f"generalization lattice too large ({size} nodes): use fewer quasi-identifiers")
        nodes, bounds = self._ordered_nodes()
        best: tuple[float, NodeResult] | None = None
        pruned = 0
        for visited, (node_arr, bound) in enumerate(zip(nodes, bounds, strict=True)):
            if progress is not None and visited % 256 == 0:
                progress(visited)
            if best is not None and bound >= best[0] - 1e-9:
                break
            if self._known_failing(node_arr):
                pruned += 1
                continue
            best = self._consider(tuple(int(x) for x in node_arr), best)
        if best is None:
            raise InputError("no generalization meets the criteria within the suppression limit")
        loss, result = best
        return SearchResult(result.node, result, loss, len(self.cache), pruned, size)

    def _ordered_nodes(self) -> tuple[IntArray, FloatArray]:
        grids = np.indices(self.heights).reshape(len(self.heights), -1).T.astype(np.int64)
        costs = column_costs(self.freq, self.metric)
        bounds = np.zeros(len(grids))
        for q, cost in enumerate(costs):
            bounds += cost[grids[:, q]]
        order = np.lexsort((grids.sum(axis=1), bounds))
        return grids[order], bounds[order]

    def _consider(
        self, node: tuple[int, ...], best: tuple[float, NodeResult] | None
    ) -> tuple[float, NodeResult] | None:
        result = self._evaluate(node)
        if not result.k_ok:
            self._climb(node)
            return best
        if not result.ok:
            return best
        loss = node_loss(self.freq, result, self.metric)
        return (loss, result) if best is None or loss < best[0] else best

    def _evaluate(self, node: tuple[int, ...]) -> NodeResult:
        if node not in self.cache:
            self.cache[node] = evaluate(self.freq, node, self.criteria)
        return self.cache[node]

    def _known_failing(self, node: IntArray) -> bool:
        return bool(self.failing.size and np.any(np.all(node <= self.failing, axis=1)))

    def _climb(self, node: tuple[int, ...]) -> None:
        """Push a k-failing node up each dimension as far as it keeps failing, then remember it."""
        current = list(node)
        for q in np.argsort(self.heights)[::-1]:
            low, high = current[q], self.heights[q] - 1
            while low < high:
                mid = (low + high + 1) // 2
                trial = (*current[:q], mid, *current[q + 1 :])
                if self._evaluate(trial).k_ok:
                    high = mid - 1
                else:
                    low = mid
            current[q] = low
        top = np.array(current, dtype=np.int64)
        keep = ~np.all(self.failing <= top, axis=1) if self.failing.size else np.zeros(0, dtype=bool)
        self.failing = np.vstack([self.failing[keep], top[None, :]])


def all_nodes(heights: Sequence[int]) -> list[tuple[int, ...]]:
    """Every node of a lattice (for tests on small lattices)."""
    return list(itertools.product(*(range(h) for h in heights)))
