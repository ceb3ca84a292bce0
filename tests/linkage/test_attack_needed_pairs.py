"""Attacks on the pairs that leave DuckDB (`needed_pairs.fetch_needed_pairs`, the conflicts inside a
component of links only) with a reviewer's decisions: adversarial shapes of scored pairs, acceptances
(`joined=`) and rejections, run through the same steps as `link_lists` (fetch, cluster, keep) without
splink. The clusters must be those of the full fetch (`pairs_needed_sql`), and clustering again from the
pairs a run keeps (`pairs_to_keep`: what is stored and re-clustered) with the same decisions must give
the run's clusters: a decision survives re-clustering."""

from __future__ import annotations

import random

import duckdb
import numpy as np
import pandas as pd
import pytest

from ctm.linkage.engine.link import needed_pairs
from ctm.linkage.engine.link.clusters import cluster_positions, number_clusters
from ctm.linkage.engine.link.linking import conflicts_from, pairs_to_keep
from ctm.linkage.engine.link.needed_pairs import KEEP_PROBABILITY

THRESHOLD, CONFLICT = 0.5, 0.5  # LinkSettings' defaults
SURE, NEVER = 0.99, 1e-6


def _partition(labels: np.ndarray) -> list[int]:
    return number_clusters([f"{k:05d}" for k in range(len(labels))], labels).tolist()


def _cluster(n, pairs, accepted, rejected) -> list[int]:
    return _partition(
        cluster_positions(
            n,
            pairs["left"],
            pairs["right"],
            pairs["match_probability"],
            THRESHOLD,
            CONFLICT,
            None,
            accepted,
            rejected,
        )
    )


def _select(pairs, keep):
    return {name: values[keep] for name, values in pairs.items()}


def run(n: int, scored: list[tuple[int, int, float]], accepted=(), rejected=()) -> dict[str, list[int]]:
    """The clusters of: the narrowed fetch (as a run), the full fetch, every scored pair, and the pairs
    the run keeps clustered again with the same decisions."""
    acc = np.asarray(accepted, dtype=np.int64).reshape(-1, 2)
    rej = np.asarray(rejected, dtype=np.int64).reshape(-1, 2)
    p = np.array([s[2] for s in scored], dtype=float)
    frame = pd.DataFrame(
        {
            "unique_id_l": np.array([min(s[:2]) for s in scored], dtype=np.int64),
            "unique_id_r": np.array([max(s[:2]) for s in scored], dtype=np.int64),
            "match_weight": np.log2(p / (1 - p)),
            "match_probability": p,
        }
    )
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("CREATE TABLE scored AS SELECT * FROM frame")
    linkable_from = min(KEEP_PROBABILITY if len(acc) else THRESHOLD, THRESHOLD)  # as link_lists
    narrow = needed_pairs.fetch_needed_pairs(con, "scored", n, CONFLICT, linkable_from, acc)
    full = needed_pairs.sort_pairs(
        needed_pairs.as_pair_arrays(
            con.execute(needed_pairs.pairs_needed_sql("scored", CONFLICT, linkable_from, acc)).fetchnumpy()
        )
    )
    every = needed_pairs.sort_pairs(
        needed_pairs.as_pair_arrays({c: frame[c].to_numpy() for c in frame.columns})
    )
    con.close()
    kept = _select(
        narrow,
        pairs_to_keep(n, narrow["left"], narrow["right"], narrow["match_probability"], acc),
    )
    return {
        "run": _cluster(n, narrow, acc, rej),
        "full": _cluster(n, full, acc, rej),
        "every": _cluster(n, every, acc, rej),
        "again": _cluster(n, kept, acc, rej),
    }


def test_a_rejection_inside_a_component_splits_it_and_survives():
    # 0-1-2-3 a chain of sure pairs; a reviewer rejects (0, 3)
    out = run(5, [(0, 1, SURE), (1, 2, SURE), (2, 3, SURE), (3, 4, 0.2)], rejected=[(0, 3)])
    assert out["run"] == out["full"] == out["every"] == out["again"]
    assert out["run"][0] != out["run"][3]


def test_an_acceptance_inside_a_component_against_a_conflict_survives():
    # 0-1 sure, 1-2 sure, 0-2 never: average linkage splits 2 off; a reviewer accepts (0, 2)
    out = run(3, [(0, 1, SURE), (1, 2, SURE), (0, 2, NEVER)], accepted=[(0, 2)])
    assert out["run"] == out["full"] == out["every"] == out["again"]
    assert len(set(out["run"])) == 1


def test_an_acceptance_bridging_two_components_keeps_the_conflict_between_them():
    """{0, 1} and {2, 3} are sure pairs; 1 and 2 are surely different people (a conflict between two
    components of links); a reviewer accepts (0, 3), a pair the model never compared. The conflict
    decides whether 2 joins: the run must have fetched it, and kept it for re-clustering."""
    out = run(4, [(0, 1, SURE), (2, 3, SURE), (1, 2, NEVER)], accepted=[(0, 3)])
    assert out["run"] == out["full"] == out["every"]
    assert out["run"][0] == out["run"][3] and out["run"][1] != out["run"][2]
    assert out["again"] == out["run"]


def test_a_chain_of_acceptances_across_three_components():
    scored = [(0, 1, SURE), (2, 3, SURE), (4, 5, SURE), (1, 5, NEVER), (0, 4, NEVER), (2, 4, 0.3)]
    out = run(6, scored, accepted=[(1, 2), (3, 4)], rejected=[(0, 5)])
    assert out["run"] == out["full"] == out["every"]
    assert out["again"] == out["run"]


def test_an_acceptance_of_a_record_with_no_kept_pair_keeps_its_conflicts():
    # 0-1 sure; 2 scored only against 1 (surely different) and never against 0; a reviewer accepts (0, 2)
    out = run(3, [(0, 1, SURE), (1, 2, NEVER)], accepted=[(0, 2)])
    assert out["run"] == out["full"] == out["every"] == out["again"]
    assert out["run"][0] == out["run"][2] != out["run"][1]


def test_a_chain_of_acceptances_reaching_records_with_no_kept_pair():
    """0-1 sure; 2, 3 and 4 are in no pair at or above KEEP_PROBABILITY; a reviewer accepts (0, 2), (2, 3)
    and (3, 4), so the chain reaches 4 through records the model never linked. 4 is surely not 1, 3 surely
    not 0: those conflicts decide whether 1 stays with 0."""
    scored = [(0, 1, SURE), (1, 4, NEVER), (0, 3, NEVER), (2, 4, 0.005), (3, 5, NEVER)]
    out = run(6, scored, accepted=[(0, 2), (2, 3), (3, 4)])
    assert out["run"] == out["full"] == out["every"] == out["again"]
    assert out["run"][0] == out["run"][2] == out["run"][3] == out["run"][4] != out["run"][1]


def test_an_acceptance_and_a_rejection_on_a_record_with_no_kept_pair():
    """2 has no kept pair: a reviewer accepts (0, 2) and rejects (2, 3), where 0-1-3 are sure pairs and 2-1
    surely different. Both decisions hold, and the conflict 2-1 is fetched and kept."""
    scored = [(0, 1, SURE), (1, 3, SURE), (1, 2, NEVER), (2, 4, 0.002)]
    out = run(5, scored, accepted=[(0, 2)], rejected=[(2, 3)])
    assert out["run"] == out["full"] == out["every"] == out["again"]
    assert out["run"][0] == out["run"][2] and out["run"][2] != out["run"][3]


def test_a_rejection_alone_on_records_with_no_kept_pair_changes_nothing():
    """A rejection joins nothing: the records of a rejected pair that no kept pair joins stay on their own,
    and no conflict of theirs is needed."""
    scored = [(0, 1, SURE), (2, 3, 0.005), (2, 0, NEVER)]
    out = run(4, scored, rejected=[(2, 3), (0, 2)])
    assert out["run"] == out["full"] == out["every"] == out["again"]
    assert len(set(out["run"])) == 3


@pytest.mark.parametrize("seed", range(40))
def test_random_shapes_with_decisions_on_scored_pairs(seed):
    """Decisions as the application makes them (on pairs it kept): the narrowed fetch, the full fetch
    and re-clustering the kept pairs agree."""
    rng = random.Random(seed)
    n = 24
    scored = {}
    for _ in range(60):
        a, b = rng.sample(range(n), 2)
        scored[(min(a, b), max(a, b))] = rng.choice([SURE, 0.9, 0.6, 0.45, 0.2, 0.02, 0.005, NEVER])
    pairs = [(a, b, p) for (a, b), p in sorted(scored.items())]
    decidable = [(a, b) for a, b, p in pairs if p >= KEEP_PROBABILITY]
    accepted = rng.sample(decidable, min(3, len(decidable)))
    rejected = rng.sample([d for d in decidable if d not in accepted], min(3, len(decidable) - len(accepted)))
    out = run(n, pairs, accepted, rejected)
    assert out["run"] == out["full"] == out["again"]


@pytest.mark.parametrize("seed", range(40))
def test_random_shapes_with_acceptances_anywhere(seed):
    """Acceptances of any two records (the engine's `decisions` of `link_lists`, e.g. carried over from
    another run): the narrowed fetch equals the full fetch, and the kept pairs re-cluster to the run's."""
    rng = random.Random(1000 + seed)
    n = 24
    scored = {}
    for _ in range(50):
        a, b = rng.sample(range(n), 2)
        scored[(min(a, b), max(a, b))] = rng.choice([SURE, 0.9, 0.6, 0.2, 0.02, NEVER, NEVER])
    pairs = [(a, b, p) for (a, b), p in sorted(scored.items())]
    linkable = {x for a, b, p in pairs if p >= KEEP_PROBABILITY for x in (a, b)}
    accepted = [tuple(rng.sample(sorted(linkable), 2)) for _ in range(3)]
    rejected = [tuple(rng.sample(range(n), 2)) for _ in range(2)]
    out = run(n, pairs, accepted, [r for r in rejected if r not in accepted])
    assert out["run"] == out["full"] == out["every"]
    assert out["again"] == out["run"]


@pytest.mark.parametrize("seed", range(60))
def test_random_shapes_with_decisions_below_keep_probability(seed):
    """Decisions on any two records: pairs scored below KEEP_PROBABILITY, pairs never scored, records in no
    kept pair at all (the engine's `decisions`, carried over from another run), with rejections among them.
    The narrowed fetch, the full fetch, every scored pair and re-clustering the kept pairs agree."""
    rng = random.Random(5000 + seed)
    n = 20
    scored = {}
    for _ in range(40):
        a, b = rng.sample(range(n), 2)
        scored[(min(a, b), max(a, b))] = rng.choice([SURE, 0.9, 0.6, 0.2, 0.02, 0.005, NEVER, NEVER, NEVER])
    pairs = [(a, b, p) for (a, b), p in sorted(scored.items())]
    kept = {x for a, b, p in pairs if p >= KEEP_PROBABILITY for x in (a, b)}
    alone = [k for k in range(n) if k not in kept] or list(range(n))
    low = [(a, b) for a, b, p in pairs if p < KEEP_PROBABILITY]
    accepted = {tuple(sorted((rng.choice(alone), rng.randrange(n)))) for _ in range(3)}
    accepted |= set(rng.sample(low, min(2, len(low))))
    accepted = sorted((a, b) for a, b in accepted if a != b)
    rejected = {tuple(sorted((rng.choice(alone), rng.randrange(n)))) for _ in range(2)}
    rejected = sorted((a, b) for a, b in rejected if a != b and (a, b) not in accepted)
    out = run(n, pairs, accepted, rejected)
    assert out["run"] == out["full"] == out["every"]
    assert out["again"] == out["run"]


def stored(n: int, scored: list[tuple[int, int, float]], threshold: float = THRESHOLD) -> dict[str, np.ndarray]:
    """The pairs a run at `threshold` without decisions stores (as the platform's runs: the narrowed fetch
    at `link_lists`' `linkable_from`, then `pairs_to_keep`)."""
    p = np.array([s[2] for s in scored], dtype=float)
    frame = pd.DataFrame({"unique_id_l": np.array([min(s[:2]) for s in scored], dtype=np.int64),
                          "unique_id_r": np.array([max(s[:2]) for s in scored], dtype=np.int64),
                          "match_weight": np.log2(p / (1 - p)), "match_probability": p})
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("CREATE TABLE scored AS SELECT * FROM frame")
    fetched = needed_pairs.fetch_needed_pairs(con, "scored", n, CONFLICT, conflicts_from(threshold))
    con.close()
    return _select(fetched, pairs_to_keep(n, fetched["left"], fetched["right"], fetched["match_probability"]))


def _every(scored):
    return {"left": np.array([min(s[:2]) for s in scored], dtype=np.int64),
            "right": np.array([max(s[:2]) for s in scored], dtype=np.int64),
            "match_probability": np.array([s[2] for s in scored], dtype=float)}


def _again(n, pairs, threshold, accepted=(), rejected=()):
    acc = np.asarray(accepted, dtype=np.int64).reshape(-1, 2)
    rej = np.asarray(rejected, dtype=np.int64).reshape(-1, 2)
    return _partition(cluster_positions(n, pairs["left"], pairs["right"], pairs["match_probability"], threshold,
                                        CONFLICT, None, acc, rej))


def test_reclustering_below_the_runs_threshold_gives_a_fresh_runs_clusters():
    """A run at 0.9: 0-1 scored 0.7 (below it, kept), 1-2 sure, 0-2 surely different. Re-clustered at 0.6,
    0 joins 1 only if the conflict 0-2 is ignored: the stored pairs must hold it although 0 was in no pair
    at or above the run's threshold. (At or below `conflict_probability` a lower threshold alone changes
    nothing: a record whose pairs all score below 0.5 never passes the mean-weight rule.)"""
    scored = [(0, 1, 0.7), (1, 2, SURE), (0, 2, NEVER)]
    kept = stored(3, scored, threshold=0.9)
    assert _again(3, kept, 0.6) == _again(3, _every(scored), 0.6)
    assert _again(3, kept, 0.6)[0] != _again(3, kept, 0.6)[1]


def test_accepting_a_stored_pair_below_the_runs_threshold_keeps_its_conflicts():
    """The review queue offers pairs below the threshold: a reviewer accepts 0-1 (0.3) after the run. 0 is
    surely not 2, whom 1 is surely the same as: 2 must stay apart from {0, 1}, as clustering every pair
    with that decision gives."""
    scored = [(0, 1, 0.3), (1, 2, SURE), (0, 2, NEVER)]
    kept = stored(3, scored)
    assert _again(3, kept, THRESHOLD, [(0, 1)]) == _again(3, _every(scored), THRESHOLD, [(0, 1)])


@pytest.mark.parametrize("seed", range(60))
def test_random_shapes_reclustered_at_any_threshold_with_later_decisions(seed):
    """A run at 0.5 or 0.85 stores its pairs; later it is re-clustered at any threshold the form allows (down
    to KEEP_PROBABILITY) with decisions on stored pairs: the clusters are those of every scored pair."""
    rng = random.Random(9000 + seed)
    n = 20
    scored = {}
    for _ in range(45):
        a, b = rng.sample(range(n), 2)
        scored[(min(a, b), max(a, b))] = rng.choice([SURE, 0.9, 0.6, 0.45, 0.3, 0.1, 0.02, 0.005, NEVER, NEVER])
    pairs = [(a, b, p) for (a, b), p in sorted(scored.items())]
    kept = stored(n, pairs, threshold=(THRESHOLD, 0.85)[seed % 2])
    decidable = list(zip(kept["left"].tolist(), kept["right"].tolist(), strict=True))
    accepted = rng.sample(decidable, min(3, len(decidable)))
    rejected = rng.sample([d for d in decidable if d not in accepted], min(2, len(decidable) - len(accepted)))
    for threshold in (KEEP_PROBABILITY, 0.05, 0.25, 0.4, THRESHOLD, 0.6, 0.75, 0.9):
        assert _again(n, kept, threshold, accepted, rejected) == _again(n, _every(pairs), threshold, accepted,
                                                                          rejected), threshold
