"""Pairwise precision, recall and F1 of a clustering against the true person ids."""

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
    return LinkageScores(true, predicted, correct, precision, recall, f1)
