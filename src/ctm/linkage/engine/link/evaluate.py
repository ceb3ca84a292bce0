"""Precision, recall and F1 of a clustering against the true person ids, by pairs and by clusters."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd


@dataclass(frozen=True)
class LinkageScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    cluster_precision: float  # share of the clusters of two or more records that hold one person only
    cluster_recall: float  # share of the people on two or more records whose records form one cluster
    clusters_repeating_a_list: int  # clusters holding two records of one list

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def evaluate(clusters: pd.DataFrame, truth: pd.DataFrame) -> LinkageScores:
    """Both frames have `list` and `record_id`; clusters has `cluster_id`, truth has `person_id`."""
    keys = ["list", "record_id"]
    merged = clusters.astype({"record_id": str}).merge(truth.astype({"record_id": str}), on=keys, how="inner")
    predicted = _pairs(merged.groupby("cluster_id").size())
    true = _pairs(merged.groupby("person_id").size())
    correct = _pairs(merged.groupby(["cluster_id", "person_id"]).size())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LinkageScores(true, predicted, correct, precision, recall, f1, *_cluster_scores(merged))


def _cluster_scores(merged: pd.DataFrame) -> tuple[float, float, int]:
    people_per_cluster = merged.groupby("cluster_id")["person_id"].agg(["size", "nunique"])
    linked = people_per_cluster[people_per_cluster["size"] > 1]
    pure = float((linked["nunique"] == 1).mean()) if len(linked) else 1.0
    clusters_per_person = merged.groupby("person_id")["cluster_id"].agg(["size", "nunique"])
    seen_twice = clusters_per_person[clusters_per_person["size"] > 1]
    # A person is found whole when one cluster holds all their records and nothing else.
    whole_clusters = set(linked.index[linked["nunique"] == 1])
    first_cluster = merged.groupby("person_id")["cluster_id"].first()
    found = [p for p in seen_twice.index if seen_twice.at[p, "nunique"] == 1 and first_cluster[p] in whole_clusters]
    recall = len(found) / len(seen_twice) if len(seen_twice) else 1.0
    repeating = int(merged.groupby("cluster_id")["list"].agg(lambda s: s.duplicated().any()).sum())
    return pure, recall, repeating
