"""Clusters from scored pairs: connected components that respect clerical-review decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    through a record without a birth date. Only pairs between records that strong links can join at all
    are given (see `cluster_numbers`), so the maps stay small."""

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
    n = len(ids)
    lists_of = [0] * n
    if unique_list_of:
        bits: dict[str, int] = {}
        for k, record in enumerate(ids):
            name = unique_list_of.get(record)
            if name is not None:
                lists_of[k] = bits.setdefault(name, 1 << len(bits))
    probability = pairs["match_probability"].to_numpy(dtype=float)
    ls = index.get_indexer(pairs["unique_id_l"].to_numpy())
    rs = index.get_indexer(pairs["unique_id_r"].to_numpy())
    strong = probability >= threshold
    if ((ls[strong] < 0) | (rs[strong] < 0)).any():
        raise KeyError("a scored pair names an unknown record")
    accepted = [(a, b) for a, b in (index.get_indexer(list(pair)) for pair in sorted(decisions.accepted))
                if a >= 0 and b >= 0]
    rejected = {(min(a, b), max(a, b)) for a, b in (index.get_indexer(list(pair)) for pair in decisions.rejected)
                if a >= 0 and b >= 0}
    # Only the pairs inside a group that strong and accepted links could form matter to the rule.
    link_l = np.concatenate([ls[strong], np.array([a for a, _ in accepted], dtype=np.int64)])
    link_r = np.concatenate([rs[strong], np.array([b for _, b in accepted], dtype=np.int64)])
    graph = coo_matrix((np.ones(len(link_l), dtype=np.int8), (link_l, link_r)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    known = (ls >= 0) & (rs >= 0)
    inside = known & (component[np.where(known, ls, 0)] == component[np.where(known, rs, 0)])
    groups = _Groups(n, lists_of, None if conflict_probability is None else
                     float(_log_odds(np.array([conflict_probability]))[0]))
    weights = _log_odds(probability)
    for a, b, weight in zip(ls[inside].tolist(), rs[inside].tolist(), weights[inside].tolist(), strict=True):
        key = (min(a, b), max(a, b))
        groups.add(a, b, weight, key in rejected)
        rejected.discard(key)
    for a, b in rejected:  # rejected pairs the model did not keep: they block all the same
        groups.add(a, b, 0.0, True)
    for a, b in accepted:
        groups.union(int(a), int(b), forced=True)
    order = np.argsort(-probability[strong], kind="stable")
    for a, b in zip(ls[strong][order].tolist(), rs[strong][order].tolist(), strict=True):
        groups.union(a, b)  # a rejected pair is a blocked entry between the two groups
    roots = np.fromiter((groups.find(k) for k in range(n)), dtype=np.int64, count=n)
    # Numbered in the order of the records' ids (as sorted strings), the first of each cluster first.
    by_id = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    first = {}
    for k in by_id.tolist():
        first.setdefault(int(roots[k]), len(first) + 1)
    return np.fromiter((first[int(r)] for r in roots), dtype=np.int64, count=n)


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
