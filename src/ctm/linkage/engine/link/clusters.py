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
    """Union-find that refuses to merge two groups holding a rejected pair, or two groups that each
    hold a record of the same list when that list holds each person once (`unique_list_of`: record ->
    its list, for the records of such lists)."""

    def __init__(self, ids: Iterable[str], rejected: set[Pair], unique_list_of: Mapping[str, str]) -> None:
        self.parent = {i: i for i in ids}
        self.lists: dict[str, set[str]] = {i: {unique_list_of[i]} for i in self.parent if i in unique_list_of}
        self.apart: dict[str, set[str]] = {}
        for a, b in rejected:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)
        self.members: dict[str, set[str]] = {i: {i} for i in self.parent}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        small, big = sorted((ra, rb), key=lambda r: len(self.members[r]))
        if self._blocked(small, big):
            return False
        self.parent[small] = big
        self.members[big] |= self.members.pop(small)
        if small in self.lists:
            self.lists.setdefault(big, set()).update(self.lists.pop(small))
        return True

    def _blocked(self, small: str, big: str) -> bool:
        if self.lists.get(small, set()) & self.lists.get(big, set()):
            return True
        other = self.members[big]
        return any(self.apart.get(m, set()) & other for m in self.members[small] if m in self.apart)


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
    decisions = decisions or ReviewDecisions()
    separate = set(decisions.rejected)
    if conflict_probability is not None and len(pairs):
        low = pairs[pairs["match_probability"].astype(float) < conflict_probability]
        separate.update(p for p in map(_ordered, low["unique_id_l"], low["unique_id_r"])
                        if p not in decisions.accepted)
    comps = _Components(ids, separate, unique_list_of or {})
    for a, b in sorted(decisions.accepted):
        if a in comps.parent and b in comps.parent:
            comps.union(a, b)
    strong = pairs[pairs["match_probability"] >= threshold]
    order = np.argsort(-strong["match_probability"].to_numpy(), kind="stable")
    left, right = strong["unique_id_l"].to_numpy(), strong["unique_id_r"].to_numpy()
    for k in order:
        if _ordered(left[k], right[k]) not in decisions.rejected:
            comps.union(left[k], right[k])
    roots = {i: comps.find(i) for i in comps.parent}
    numbering: dict[str, int] = {}
    return {i: numbering.setdefault(r, len(numbering) + 1) for i, r in sorted(roots.items())}


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
