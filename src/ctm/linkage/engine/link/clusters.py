"""Clusters from scored pairs: connected components that respect clerical-review decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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


class _Components:
    """Union-find over record positions 0..n-1 that refuses to merge two groups holding a rejected pair,
    or two groups that each hold a record of the same list when that list holds each person once
    (`lists_of[i]`: a bit per such list of record i, 0 for the others).

    Integers and bit masks rather than a dict and a set per record: a million records cost a few
    arrays, not a few gigabytes; the members of a group are kept only for groups of two or more and
    only when there are rejected pairs to check."""

    def __init__(self, n: int, apart: dict[int, set[int]], lists_of: list[int]) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.lists = lists_of
        self.apart = apart
        self.members: dict[int, set[int]] = {}

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def _members(self, root: int) -> set[int]:
        return self.members.get(root) or {root}

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        small, big = (rb, ra) if self.size[rb] < self.size[ra] else (ra, rb)  # a tie: `ra` joins `rb`
        if self.lists[small] & self.lists[big]:
            return False
        if self.apart:
            other = self._members(big)
            if any(self.apart[m] & other for m in self._members(small) if m in self.apart):
                return False
            self.members.setdefault(big, other).update(self.members.pop(small, {small}))
        self.parent[small] = big
        self.size[big] += self.size[small]
        self.lists[big] |= self.lists[small]
        return True


def cluster_pairs(ids: Iterable[str], pairs: pd.DataFrame, threshold: float,
                  decisions: ReviewDecisions | None = None,
                  conflict_probability: float | None = None,
                  unique_list_of: Mapping[str, str] | None = None) -> dict[str, int]:
    """Cluster id per record: accepted pairs first, then pairs at or above the threshold, strongest
    first; a link that would put two rejected records in one cluster is skipped. With a
    `conflict_probability`, so is a link that would put in one cluster two records whose own pair
    scored below it (the model judged them different people): a record without a birth date that
    matches two namesakes born on different days joins the likelier one instead of chaining both
    into one person. Pass the same value as the linkage run (`LinkSettings.conflict_probability`).
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
    apart: dict[int, set[int]] = {}

    def keep_apart(a: int, b: int) -> None:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)

    rejected: set[tuple[int, int]] = set()
    for left, right in decisions.rejected:
        a, b = index.get_indexer([left, right])
        if a >= 0 and b >= 0:
            rejected.add((min(a, b), max(a, b)))
            keep_apart(int(a), int(b))
    if conflict_probability is not None and len(pairs):
        low = pairs[pairs["match_probability"].astype(float) < conflict_probability]
        accepted = decisions.accepted
        lefts, rights = low["unique_id_l"].to_numpy(), low["unique_id_r"].to_numpy()
        ls, rs = index.get_indexer(lefts), index.get_indexer(rights)
        for k in range(len(low)):
            if ls[k] >= 0 and rs[k] >= 0 and (not accepted or _ordered(lefts[k], rights[k]) not in accepted):
                keep_apart(int(ls[k]), int(rs[k]))
    lists_of = [0] * n
    if unique_list_of:
        bits: dict[str, int] = {}
        for k, record in enumerate(ids):
            name = unique_list_of.get(record)
            if name is not None:
                lists_of[k] = bits.setdefault(name, 1 << len(bits))
    comps = _Components(n, apart, lists_of)
    for left, right in sorted(decisions.accepted):
        a, b = index.get_indexer([left, right])
        if a >= 0 and b >= 0:
            comps.union(int(a), int(b))
    strong = pairs[pairs["match_probability"] >= threshold]
    order = np.argsort(-strong["match_probability"].to_numpy(), kind="stable")
    ls = index.get_indexer(strong["unique_id_l"].to_numpy())[order].tolist()
    rs = index.get_indexer(strong["unique_id_r"].to_numpy())[order].tolist()
    for a, b in zip(ls, rs, strict=True):
        if a < 0 or b < 0:
            raise KeyError(f"a scored pair names an unknown record ({'left' if a < 0 else 'right'})")
        if not rejected or (min(a, b), max(a, b)) not in rejected:
            comps.union(a, b)
    roots = np.fromiter((comps.find(k) for k in range(n)), dtype=np.int64, count=n)
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
