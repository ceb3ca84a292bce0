"""Clusters from scored pairs: connected components that respect clerical-review decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

Pair = tuple[str, str]


@dataclass
class ReviewDecisions:
    """Clerical review: pairs a person accepted (forced links) or rejected (forced non-links)."""

    accepted: set[Pair] = field(default_factory=set)
    rejected: set[Pair] = field(default_factory=set)

    def accept(self, left: str, right: str) -> None:
        pair = _ordered(left, right)
        self.rejected.discard(pair)
        self.accepted.add(pair)

    def reject(self, left: str, right: str) -> None:
        pair = _ordered(left, right)
        self.accepted.discard(pair)
        self.rejected.add(pair)


def _ordered(left: str, right: str) -> Pair:
    return (left, right) if left <= right else (right, left)


def _log_odds(probability: np.ndarray) -> np.ndarray:
    """Match weights (log2 odds) of probabilities, bounded so that 0 and 1 stay finite."""
    p = np.clip(probability.astype(float), 1e-12, 1.0 - 1e-12)
    return np.log2(p / (1.0 - p))


class _Groups:
    """Agglomerative clustering over record positions 0..n-1: union-find plus, for each group, the sum
    and count of the match weights of the scored pairs between it and each other group.

    Two groups join through a strong link only when (1) no rejected pair lies between them, (2) they do
    not each hold a record of one list that holds each person once (`lists_of[i]`: a bit per such list
    of record i), and (3) with a `conflict_weight`, the mean match weight of all their scored pairs is
    at least that weight: average linkage. Complete linkage (every pair between them above the bar),
    used before, let one pair kept apart by two slips (two typed documents, a changed name) split a
    person whose other records all agree; single linkage (any strong pair suffices) chains namesakes
    through a record without a birth date. Only the components where a rule can bite are linked this
    way, on their own records and pairs (see `cluster_positions`), so the maps stay small."""

    def __init__(self, n: int, lists_of: list[int], conflict_weight: float | None) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.lists = lists_of
        self.bar = conflict_weight
        self.links: dict[int, dict[int, list[float]]] = {}  # group -> other group -> [sum, count, rejected]

    def add(self, a: int, b: int, weight: float, rejected: bool = False) -> None:
        entry = self.links.setdefault(a, {}).get(b)
        if entry is None:
            entry = [0.0, 0, 0]
            self.links[a][b] = entry
            self.links.setdefault(b, {})[a] = entry
        entry[0] += weight
        entry[1] += 1
        entry[2] += rejected

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int, forced: bool = False) -> bool:
        """Join the groups of a and b; `forced` (a reviewer's acceptance) skips the mean-weight rule."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.lists[ra] & self.lists[rb]:
            return False
        between = self.links.get(ra, {}).get(rb)
        if between is not None:
            if between[2]:
                return False
            if not forced and self.bar is not None and between[0] < self.bar * between[1]:
                return False
        small, big = (rb, ra) if self.size[rb] < self.size[ra] else (ra, rb)  # a tie: `ra` joins `rb`
        self.parent[small] = big
        self.size[big] += self.size[small]
        self.lists[big] |= self.lists[small]
        moved = self.links.pop(small, {})
        mine = self.links.setdefault(big, {})
        mine.pop(small, None)
        for other, entry in moved.items():
            if other == big:
                continue
            theirs = self.links[other]
            del theirs[small]
            kept = mine.get(other)
            if kept is None:
                mine[other] = theirs[big] = entry
            else:
                kept[0] += entry[0]
                kept[1] += entry[1]
                kept[2] += entry[2]
        return True


def cluster_pairs(ids: Iterable[str], pairs: pd.DataFrame, threshold: float,
                  decisions: ReviewDecisions | None = None,
                  conflict_probability: float | None = None,
                  unique_list_of: Mapping[str, str] | None = None) -> dict[str, int]:
    """Cluster id per record: accepted pairs first, then pairs at or above the threshold, strongest
    first; a link that would put two rejected records in one cluster is skipped. With a
    `conflict_probability`, so is a link between two groups whose scored pairs, taken together (the mean
    of their match weights), are less likely than that probability to be one person: a record without
    a birth date that matches two namesakes born on different days joins the likelier one instead of
    chaining both into one person, while a person's records that all agree save one pair (two slips)
    still join. Pass the same value as the linkage run (`LinkSettings.conflict_probability`).
    `unique_list_of` maps the records of lists that hold each person once to their list: a cluster never
    gets two records of such a list (not even through accepted pairs: the later link is skipped), so a
    chain of links cannot join two people of one list into one."""
    ids = list(dict.fromkeys(ids))
    numbers = cluster_numbers(ids, pairs, threshold, decisions, conflict_probability, unique_list_of)
    return dict(zip(ids, numbers.tolist(), strict=True))


def cluster_numbers(ids: list[str], pairs: pd.DataFrame, threshold: float,
                    decisions: ReviewDecisions | None = None,
                    conflict_probability: float | None = None,
                    unique_list_of: Mapping[str, str] | None = None) -> np.ndarray:
    """`cluster_pairs` as an array aligned with `ids` (distinct record ids): the cluster of `ids[k]` is
    item k; clusters are numbered 1, 2, ... in the order of their first record by id."""
    decisions = decisions or ReviewDecisions()
    index = pd.Index(ids)
    left = index.get_indexer(pairs["unique_id_l"].to_numpy())
    right = index.get_indexer(pairs["unique_id_r"].to_numpy())
    probability = pairs["match_probability"].to_numpy(dtype=float)
    unknown = ((left < 0) | (right < 0)) & (probability >= threshold)
    if unknown.any():
        side = "left" if left[np.argmax(unknown)] < 0 else "right"
        raise KeyError(f"a scored pair names an unknown record ({side})")
    known = (left >= 0) & (right >= 0)
    list_of = None
    if unique_list_of:
        names = pd.Series(ids, dtype=object).map(unique_list_of)
        list_of = np.where(names.isna(), -1, pd.factorize(names)[0]).astype(np.int64)
    return number_clusters(ids, cluster_positions(
        len(ids), left[known], right[known], probability[known], threshold, conflict_probability,
        list_of, review_positions(index, sorted(decisions.accepted)), review_positions(index, decisions.rejected)))


def review_positions(index: pd.Index | None, pairs: Iterable[Pair]) -> np.ndarray:
    """The pairs of known records as positions, shape (k, 2), in the order given."""
    pairs = list(pairs)
    if not pairs or index is None:
        return np.empty((0, 2), dtype=np.int64)
    found = index.get_indexer([a for pair in pairs for a in pair]).reshape(-1, 2)
    return found[(found >= 0).all(axis=1)].astype(np.int64)


def number_clusters(ids: Sequence[str], labels: np.ndarray) -> np.ndarray:
    """Cluster labels renumbered 1, 2, ... in the order of each cluster's first record by id (ids sorted
    as strings), so that the numbers do not depend on how the clusters were found."""
    by_id = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    found, first = np.unique(labels[by_id], return_index=True)
    number = np.empty(len(found), dtype=np.int64)
    number[np.argsort(first, kind="stable")] = np.arange(1, len(found) + 1)
    return number[np.searchsorted(found, labels)]


def cluster_positions(n: int, left: np.ndarray, right: np.ndarray, probability: np.ndarray, threshold: float,
                      conflict_probability: float | None = None, list_of: np.ndarray | None = None,
                      accepted: np.ndarray | None = None, rejected: np.ndarray | None = None) -> np.ndarray:
    """A cluster label per record 0..n-1 (labels are arbitrary: see `number_clusters`) from pairs of record
    positions, by the rules of `cluster_pairs`: accepted pairs first, then pairs at or above the
    threshold, strongest first (ties by position); a link is skipped that would put in one cluster two
    rejected records, or two records of one list that holds each person once (`list_of[k]`: a number per
    such list, -1 for records of lists that allow duplicates), or that joins two groups whose pairs
    between them have a mean match weight below that of `conflict_probability` (average linkage).

    The same clusters as linking the pairs one by one, computed in two steps: connected components
    (scipy) of all the links; each component where no rule can bite (no pair inside it scored below
    `conflict_probability` unless accepted, none rejected, none of its lists repeats) is a cluster as it
    is, since every link in it would succeed. Only the other components are linked one pair at a time
    (`_Groups`), on their own records and pairs: a million records cost a few integer arrays, not a
    Python object per record and pair."""
    accepted = np.empty((0, 2), dtype=np.int64) if accepted is None else np.asarray(accepted, dtype=np.int64)
    rejected = np.empty((0, 2), dtype=np.int64) if rejected is None else np.asarray(rejected, dtype=np.int64)
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    probability = np.asarray(probability, dtype=float)
    strong = probability >= threshold
    links_l = np.concatenate([accepted[:, 0], left[strong]])
    links_r = np.concatenate([accepted[:, 1], right[strong]])
    graph = coo_matrix((np.ones(len(links_l), dtype=np.int8), (links_l, links_r)), shape=(n, n))
    count, component = connected_components(graph, directed=False)
    # Pairs the model judged different people, unless a reviewer accepted them; rejected pairs.
    apart_l, apart_r = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if conflict_probability is not None:
        low = probability < conflict_probability
        low &= component[left] == component[right]
        if len(accepted) and low.any():
            low[low] = ~_pair_in(left[low], right[low], accepted, n)
        apart_l, apart_r = left[low], right[low]
    apart_l = np.concatenate([apart_l, rejected[:, 0]])
    apart_r = np.concatenate([apart_r, rejected[:, 1]])
    inside = component[apart_l] == component[apart_r]
    apart_l, apart_r = apart_l[inside], apart_r[inside]
    bites = np.zeros(count, dtype=bool)
    bites[component[apart_l]] = True
    if list_of is not None:
        listed = np.flatnonzero(np.asarray(list_of) >= 0)
        key = component[listed].astype(np.int64) * (int(np.max(list_of)) + 1) + np.asarray(list_of)[listed]
        values, counts = np.unique(key, return_counts=True)
        bites[values[counts > 1] // (int(np.max(list_of)) + 1)] = True
    if not bites.any():
        return component.astype(np.int64)
    # The components where a rule may bite, linked pair by pair on their own records.
    members = np.flatnonzero(bites[component])
    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    lists_of = [0] * len(members)
    if list_of is not None:
        for k, name in enumerate(np.asarray(list_of)[members].tolist()):
            if name >= 0:
                lists_of[k] = 1 << name
    bar = None if conflict_probability is None else float(_log_odds(np.array([conflict_probability]))[0])
    groups = _Groups(len(members), lists_of, bar)
    within = (component[left] == component[right]) & bites[component[left]]
    blocked = {(min(a, b), max(a, b)) for a, b in local[rejected].tolist() if a >= 0}
    for a, b, weight in zip(local[left[within]].tolist(), local[right[within]].tolist(),
                            _log_odds(probability[within]).tolist(), strict=True):
        key = (min(a, b), max(a, b))
        groups.add(a, b, weight, key in blocked)
        blocked.discard(key)
    for a, b in blocked:  # rejected pairs the model did not keep block all the same
        groups.add(a, b, 0.0, True)
    for a, b in local[accepted].tolist():
        if a >= 0:
            groups.union(a, b, forced=True)
    chosen = strong & bites[component[left]]
    ls, rs, ps = local[left[chosen]], local[right[chosen]], probability[chosen]
    order = np.lexsort((np.maximum(ls, rs), np.minimum(ls, rs), -ps))
    for a, b in zip(ls[order].tolist(), rs[order].tolist(), strict=True):
        groups.union(a, b)
    labels = component.astype(np.int64)
    labels[members] = count + np.fromiter((groups.find(k) for k in range(len(members))), dtype=np.int64,
                                          count=len(members))
    return labels


def _pair_in(left: np.ndarray, right: np.ndarray, pairs: np.ndarray, n: int) -> np.ndarray:
    """Whether each (left, right) is one of `pairs`, in either order."""
    keys = np.minimum(left, right) * n + np.maximum(left, right)
    wanted = np.minimum(pairs[:, 0], pairs[:, 1]) * n + np.maximum(pairs[:, 0], pairs[:, 1])
    return np.isin(keys, wanted)


def match_weight_histogram(pairs: pd.DataFrame, bins: int = 40) -> list[dict[str, float]]:
    """Counts of scored pairs by match weight, for choosing the threshold (JSON-ready)."""
    weights = pairs["match_weight"].to_numpy(dtype=float)
    weights = weights[np.isfinite(weights)]
    if len(weights) == 0:
        return []
    counts, edges = np.histogram(weights, bins=bins)
    return [{"lower": float(lo), "upper": float(hi), "count": int(n),
             "probability_at_lower": float(1.0 / (1.0 + 2.0 ** (-lo)))}
            for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True)]


def pairs_for_review(pairs: pd.DataFrame, threshold: float, margin: float = 0.15,
                     limit: int = 200) -> pd.DataFrame:
    """Pairs whose probability lies near the threshold, closest first (the clerical review queue)."""
    near = pairs[(pairs["match_probability"] - threshold).abs() <= margin].copy()
    near["distance"] = (near["match_probability"] - threshold).abs()
    return near.sort_values("distance").head(limit).drop(columns="distance").reset_index(drop=True)
