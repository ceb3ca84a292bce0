"""Link lists of people: normalise, score pairs with splink, cluster, build the overlap table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .clusters import (
    ReviewDecisions,
    cluster_positions,
    match_weight_histogram,
    number_clusters,
    review_positions,
)
from .needed_pairs import KEEP_PROBABILITY
from .normalize import INPUT_COLUMNS, normalise_records
from .splink_model import BlockingReport, LinkSettings, train_and_predict

# The stages `link_lists` reports, in order, to its `progress` callback.
STAGES = ("preparing", "training", "comparing", "clustering")
Stage = Callable[[str], None]


class LinkageInputError(ValueError):
    """A list cannot be linked; the message says why in one line."""


@dataclass
class LinkResult:
    clusters: pd.DataFrame  # list, record_id, cluster_id
    # unique_id_l, unique_id_r, match_weight, match_probability: the pairs at or above KEEP_PROBABILITY and
    # the conflicts re-clustering needs (`pairs_to_keep`)
    pairs: pd.DataFrame
    settings: LinkSettings
    warnings: list[str] = field(default_factory=list)
    # What the blocking cap split or left out (`blocking.warnings()` words it; the platform shows it from
    # the figures, in the reader's language).
    blocking: BlockingReport | None = None
    # The lowest threshold the kept pairs re-cluster at to the clusters of every scored pair
    # (`conflicts_from`); the platform refuses to re-cluster below it.
    conflicts_from: float = KEEP_PROBABILITY

    def histogram(self, bins: int = 40) -> list[dict[str, float]]:
        return match_weight_histogram(self.pairs[self.pairs["match_probability"] >= KEEP_PROBABILITY], bins)

    def summary(self) -> dict[str, Any]:
        return {"records": len(self.clusters), "clusters": int(self.clusters["cluster_id"].nunique()),
                "scored_pairs": len(self.pairs), "settings": self.settings.to_dict(), "warnings": self.warnings,
                "blocking": self.blocking.to_dict() if self.blocking else None}


def check_list(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise LinkageInputError(f"list {name}: missing column(s) {', '.join(missing)}")
    ids = frame["record_id"].astype(str).str.strip()
    if (ids == "").any() or frame["record_id"].isna().any():
        raise LinkageInputError(f"list {name}: every row needs a record_id")
    if ids.duplicated().any():
        raise LinkageInputError(f"list {name}: record_id {ids[ids.duplicated()].iloc[0]!r} is repeated")
    return frame.assign(record_id=ids)


def link_lists(lists: Mapping[str, pd.DataFrame], settings: LinkSettings | None = None,
               decisions: ReviewDecisions | None = None, progress: Stage | None = None) -> LinkResult:
    """Deduplicate and link the lists (name -> records); clusters are people.

    `progress(stage)` is called as each of `STAGES` begins (normalising the names, training the model,
    scoring the blocked pairs, clustering)."""
    config = settings or LinkSettings()
    report = progress or _no_progress
    if not lists:
        raise LinkageInputError("no list given")
    report("preparing")
    # Only the columns the model needs stay (the lists' own columns are not copied along).
    records = pd.concat([normalise_records(check_list(name, frame), name) for name, frame in lists.items()],
                        ignore_index=True)
    warnings = _warnings(records)
    blocking = BlockingReport(config.max_block_size)
    # The clustering needs the ids alone; the model gets the only reference to the compared columns (freed
    # once they are in the database). Pairs come back as record positions (integers).
    ids = records["unique_id"].to_numpy(dtype=object)
    source = records["source_list"].to_numpy(dtype=object)
    record_ids = records["record_id"].to_numpy(dtype=object)
    decisions = decisions or ReviewDecisions()
    index = pd.Index(ids) if decisions.accepted or decisions.rejected else None
    accepted = review_positions(index, sorted(decisions.accepted))
    if len(records) < 2:
        del records
        scored: dict[str, np.ndarray] = {"left": np.empty(0, np.int32), "right": np.empty(0, np.int32),
                                          "match_weight": np.empty(0), "match_probability": np.empty(0)}
    else:
        compared = [records]
        del records
        scored = train_and_predict(compared.pop(), config, report, conflicts_from(config.threshold),
                                   blocking, accepted)
    report("clustering")
    kept = pairs_to_keep(len(ids), scored["left"], scored["right"], scored["match_probability"], accepted)
    pairs = pd.DataFrame({"unique_id_l": ids[scored["left"][kept]], "unique_id_r": ids[scored["right"][kept]],
                          "match_weight": scored["match_weight"][kept],
                          "match_probability": scored["match_probability"][kept]})
    list_of = pd.factorize(source)[0].astype(np.int64) if config.unique_lists else None
    labels = cluster_positions(len(ids), scored["left"], scored["right"], scored["match_probability"], config.threshold,
                               config.conflict_probability, list_of, accepted,
                               review_positions(index, decisions.rejected))
    del scored
    clusters = pd.DataFrame({"list": source, "record_id": record_ids, "cluster_id": number_clusters(ids, labels)})
    return LinkResult(clusters, pairs, config, warnings, blocking, conflicts_from(config.threshold))


def conflicts_from(threshold: float) -> float:
    """The records whose conflicts a run fetches and keeps are those in a pair at or above this probability
    (or in an accepted pair): KEEP_PROBABILITY, or the run's threshold when lower. Every pair a run keeps
    then joins records whose conflicts it keeps, so its pairs re-cluster at any threshold down to this one,
    with decisions on any pair it kept, to the clusters of every scored pair. Taken at the run's threshold
    instead, a lower threshold chosen after the run, or the acceptance after it of a pair below its
    threshold (the review queue offers them), could join a record whose conflicts were never fetched
    (decision 0204, "Amended")."""
    return min(float(KEEP_PROBABILITY), float(threshold))


def pairs_to_keep(n: int, left: np.ndarray, right: np.ndarray, probability: np.ndarray,
                  joined: np.ndarray | None = None) -> np.ndarray:
    """Which scored pairs a run keeps: every pair at or above KEEP_PROBABILITY (histogram, review queue,
    re-clustering) and, below it, the conflicts that re-clustering needs to give the clusters this run
    gave: a pair below KEEP_PROBABILITY whose records a chain of kept pairs or of the run's `joined`
    pairs (positions, shape (k, 2): a reviewer's acceptances, which may join two records no kept pair
    joins) joins. A later acceptance of a kept pair and a lower threshold can only join records through
    kept pairs, so the conflicts between records no such chain joins can never matter, and are not kept."""
    keep = probability >= KEEP_PROBABILITY
    if keep.all():
        return keep
    extra = np.empty((0, 2), dtype=np.int64) if joined is None else np.asarray(joined, dtype=np.int64).reshape(-1, 2)
    links_l, links_r = np.concatenate([left[keep], extra[:, 0]]), np.concatenate([right[keep], extra[:, 1]])
    graph = coo_matrix((np.ones(len(links_l), dtype=np.int8), (links_l, links_r)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    return keep | (component[left] == component[right])


def _no_progress(stage: str) -> None:
    return None


def _warnings(records: pd.DataFrame) -> list[str]:
    out = []
    if records["name_key"].isna().mean() > 0.2:
        out.append("more than 20 % of records have no usable name")
    if records["birth_year"].isna().mean() > 0.5:
        out.append("more than half the records have no birth date")
    return out


ONE_TO_MANY_SHARE = 0.05  # above this share of linked clusters, one-to-many links are "many"


def linkage_checks(clusters: pd.DataFrame) -> list[dict[str, Any]]:
    """Signs that a linkage merged people who are not one (codes with their figures, JSON-ready; the
    platform words them in the reader's language):

    - `large_clusters`: clusters with more records than there are lists (a person on every list, plus
      more: duplicates inside a list, or several people chained into one);
    - `one_to_many`: among the clusters that link two or more lists, more than 5 % link one record of
      a list to two or more records of another."""
    lists = int(clusters["list"].nunique())
    per_list = clusters.groupby(["cluster_id", "list"]).size().unstack(fill_value=0)
    sizes = per_list.sum(axis=1)
    checks: list[dict[str, Any]] = []
    large = int((sizes > lists).sum())
    if large:
        checks.append({"code": "large_clusters", "clusters": large, "lists": lists, "largest": int(sizes.max())})
    linked = per_list[(per_list > 0).sum(axis=1) >= 2]
    one_to_many = int((linked.max(axis=1) >= 2).sum())
    if len(linked) and one_to_many / len(linked) > ONE_TO_MANY_SHARE:
        checks.append({"code": "one_to_many", "clusters": one_to_many, "linked": len(linked)})
    return checks


def overlap_table(clusters: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per list and `count`: how many people (clusters) have each capture history."""
    for column in ("list", "cluster_id"):
        if column not in clusters.columns:
            raise LinkageInputError(f"the clusters file has no {column!r} column")
    if clusters.empty:
        raise LinkageInputError("the clusters file has no rows")
    lists = sorted(clusters["list"].astype(str).unique())
    presence = pd.crosstab(clusters["cluster_id"], clusters["list"].astype(str)).reindex(columns=lists)
    histories = (presence > 0).astype(int)
    table = histories.value_counts().rename("count").reset_index()
    return table.sort_values(lists, ascending=False).reset_index(drop=True)
