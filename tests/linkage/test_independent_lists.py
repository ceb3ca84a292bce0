"""Linkage judged on lists CTM did not generate (bench/linkage_lists.py shares no code with CTM): F1,
no cluster holding two records of a list that holds each person once, and the estimate it leads to."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from ctm.linkage.engine import (
    LinkSettings,
    cluster_pairs,
    estimate_population,
    evaluate,
    link_lists,
    linkage_checks,
    overlap_table,
    table_from_frame,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from linkage_lists import SETTINGS, make_lists  # bench/ is not a package: on the path just above

PEOPLE = 1500  # main's code (before unique lists and the new comparisons): F1 0.930 on these lists


@pytest.fixture(scope="module")
def homonym_lists():
    return make_lists(replace(SETTINGS["homonyms"], people=PEOPLE), seed=3)


@pytest.fixture(scope="module")
def linked(homonym_lists):
    lists, _ = homonym_lists
    return link_lists(lists, LinkSettings(unique_lists=True))


def test_the_independent_lists_hold_what_they_promise(homonym_lists):
    lists, truth = homonym_lists
    records = pd.concat(lists.values())
    assert records["given_name"].str.contains(r"[\u0400-\u04FF]").any() or records["family_name"].str.contains(
        r"[\u0400-\u04FF]").any()
    assert records["family_name"].str.contains("[ăâîșțéíóúñđ]", case=False).any()
    assert (records["birth_date"].str.len() == 4).any() and (records["document_number"] == "").any()
    assert not truth.duplicated(["list", "person_id"]).any()  # no list holds a person twice
    # Homonyms: people who share a full name and sex, told apart only by birth date and citizenship.
    assert records.merge(truth, on="record_id").groupby(["given_name", "family_name"])["person_id"].nunique().max() > 3


def test_f1_on_independent_homonym_heavy_lists(homonym_lists, linked):
    _, truth = homonym_lists
    scores = evaluate(linked.clusters, truth)
    assert scores.f1 >= 0.95, scores
    assert scores.cluster_precision >= 0.95, scores


def test_no_cluster_holds_two_records_of_a_unique_list(homonym_lists, linked):
    per_cluster = linked.clusters.groupby("cluster_id")["list"]
    assert not per_cluster.agg(lambda s: s.duplicated().any()).any()
    assert evaluate(linked.clusters, homonym_lists[1]).clusters_repeating_a_list == 0


def test_clustering_the_kept_pairs_again_gives_the_run_s_clusters(linked):
    # The platform stores `pairs` and clusters them again after every review decision or new threshold;
    # with the same threshold and no decision it must find the run's own clusters. It did not when the
    # conflicts below KEEP_PROBABILITY were dropped: chains they had kept apart joined.
    ids = [f"{lst}\x1f{rid}" for lst, rid in zip(linked.clusters["list"], linked.clusters["record_id"], strict=True)]
    again = cluster_pairs(ids, linked.pairs, linked.settings.threshold, None,
                          linked.settings.conflict_probability, dict(zip(ids, linked.clusters["list"], strict=True)))
    first = pd.Series(linked.clusters["cluster_id"].to_numpy(), index=ids)
    second = pd.Series([again[i] for i in ids], index=ids)
    assert first.groupby(second.to_numpy()).nunique().max() == 1
    assert second.groupby(first.to_numpy()).nunique().max() == 1
    assert linked.pairs["match_probability"].min() < 0.01  # conflicts are kept, not only candidate links


def _pairs(rows):
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])


def test_a_chain_of_strong_links_cannot_join_two_records_of_a_unique_list():
    # a1 and a2 are two people on list a; b1 looks like both (no birth date). The pair a1-a2 was never
    # scored (blocked apart), so only the list rule can keep them apart.
    pairs = _pairs([("a1", "b1", 9.0, 0.99), ("a2", "b1", 8.0, 0.98), ("b1", "c1", 7.0, 0.97)])
    ids = ["a1", "a2", "b1", "c1"]
    chained = cluster_pairs(ids, pairs, 0.5)
    assert chained["a1"] == chained["a2"]  # duplicates allowed: the chain joins them
    lists = {"a1": "a", "a2": "a", "b1": "b", "c1": "c"}
    apart = cluster_pairs(ids, pairs, 0.5, unique_list_of=lists)
    assert apart["a1"] == apart["b1"] == apart["c1"] != apart["a2"]  # the stronger link wins


def _main_effects(clusters: pd.DataFrame) -> float:
    return estimate_population(table_from_frame(overlap_table(clusters)), "main", n_boot=0).estimate


def test_estimate_from_the_linked_lists_is_near_the_true_population(homonym_lists, linked):
    # Each person is on each list independently, so main effects are the right model: the error left is
    # the linkage's (measured against the estimate from the true overlaps) and the sampling's.
    from_truth = _main_effects(homonym_lists[1].rename(columns={"person_id": "cluster_id"}))
    estimate = _main_effects(linked.clusters)
    assert abs(estimate - from_truth) / from_truth < 0.03, (estimate, from_truth)
    assert abs(estimate - PEOPLE) / PEOPLE < 0.1, estimate


def test_linkage_checks_flag_clusters_that_merge_people():
    sound = pd.DataFrame({"list": ["a", "b", "c", "a", "b"], "record_id": list("12345"),
                          "cluster_id": [1, 1, 1, 2, 2]})
    assert linkage_checks(sound) == []
    # One person of list b linked to two records of list a, in a cluster larger than the three lists.
    merged = pd.concat([sound, pd.DataFrame({"list": ["a", "c"], "record_id": ["6", "7"], "cluster_id": [1, 1]})])
    codes = {c["code"]: c for c in linkage_checks(merged)}
    assert codes["large_clusters"] == {"code": "large_clusters", "clusters": 1, "lists": 3, "largest": 5}
    assert codes["one_to_many"] == {"code": "one_to_many", "clusters": 1, "linked": 2}


def test_linkage_checks_are_quiet_on_a_sound_linkage_of_independent_lists(linked):
    assert linkage_checks(linked.clusters) == []
