"""Linkage at scale: the blocking cap, DuckDB's memory limit and the run's private spill directory."""

from __future__ import annotations

import math
import os
import stat

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ctm.linkage.engine import LinkSettings, ReviewDecisions, evaluate, generate_lists, link_lists
from ctm.linkage.engine.link import needed_pairs, splink_model
from ctm.linkage.engine.link.clusters import cluster_positions
from ctm.linkage.engine.link.needed_pairs import KEEP_PROBABILITY
from ctm.linkage.engine.link.normalize import normalise_records
from ctm.linkage.engine.link.splink_model import capped_blocking_keys, db_api, release


def _namesakes(n: int, with_dates: bool) -> pd.DataFrame:
    """n records of one common name; with dates, each born in a year of its own."""
    return pd.DataFrame({
        "record_id": [str(i) for i in range(n)], "given_name": "Maria", "family_name": "Garcia",
        "birth_date": [f"{1950 + i}-01-01" if with_dates else "" for i in range(n)], "sex": "",
        "citizenship": "", "document_number": ""})


def test_a_block_above_the_cap_is_split_by_birth_year():
    records = normalise_records(_namesakes(30, with_dates=True), "a")
    capped, report = capped_blocking_keys(records, max_block_size=10)
    assert report.split_blocks["name_key"] == 1
    assert report.largest_block <= 10
    assert not report.records_left_out
    assert capped["block_0"].nunique() == 30  # one block per birth year
    # Without the cap the name is one block of 30.
    uncapped, plain = capped_blocking_keys(records, max_block_size=1000)
    assert uncapped["block_0"].nunique() == 1 and not plain.split_blocks


def test_a_block_that_cannot_be_split_is_left_out_of_its_rule_and_reported():
    records = normalise_records(_namesakes(30, with_dates=False), "a")
    capped, report = capped_blocking_keys(records, max_block_size=10)
    assert report.records_left_out["name_key"] == 30
    assert capped["block_0"].isna().all()
    assert report.largest_block <= 10
    assert any("left out" in w and "name_key" in w for w in report.warnings())


def test_link_lists_reports_the_cap_and_still_links():
    lists, truth = generate_lists(3, 150, seed=3)
    result = link_lists(lists, LinkSettings(max_block_size=3))
    assert result.blocking is not None and result.blocking.max_block_size == 3
    assert result.blocking.largest_block <= 3
    assert result.summary()["blocking"]["split_blocks"]  # some blocks had to be split at this size
    assert evaluate(result.clusters, truth).f1 > 0.8


def test_memory_limit_and_private_spill_directory_are_applied(tmp_path):
    api = db_api(LinkSettings(memory_limit="300MB", spill_root=str(tmp_path)))
    con = api.duckdb_con
    limit, temp = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    assert limit == "286.1 MiB"  # 300 MB
    spill = api.ctm_spill_directory
    assert temp == str(spill) and spill.parent == tmp_path
    assert stat.S_IMODE(spill.stat().st_mode) == 0o700
    release(api, LinkSettings())
    assert list(tmp_path.iterdir()) == []


def test_threads_are_applied():
    api = db_api(LinkSettings(threads=1))
    assert api.duckdb_con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
    release(api, LinkSettings())
    api = db_api(LinkSettings())  # DuckDB's default: a thread per core
    assert api.duckdb_con.execute("SELECT current_setting('threads')").fetchone()[0] == (os.cpu_count() or 1)
    release(api, LinkSettings())


def _too_big_for(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM (SELECT 'name ' || i::varchar AS n, random() AS r "
                       "FROM range(4000000) t(i) ORDER BY r)").fetchone()[0]


def test_without_spill_a_run_over_the_memory_limit_fails_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # DuckDB's own default would be ./.tmp
    api = db_api(LinkSettings(memory_limit="40MB"))
    with pytest.raises(duckdb.OutOfMemoryException):
        _too_big_for(api.duckdb_con)
    release(api, LinkSettings())
    assert list(tmp_path.iterdir()) == []


def test_with_spill_the_same_query_finishes_and_the_directory_is_removed(tmp_path):
    config = LinkSettings(memory_limit="40MB", spill_root=str(tmp_path / "spill"))
    api = db_api(config)
    spill = api.ctm_spill_directory
    assert _too_big_for(api.duckdb_con) == 4_000_000
    release(api, config)
    assert not spill.exists()
    assert os.listdir(tmp_path / "spill") == []


def test_the_spill_directory_is_removed_when_the_run_fails(tmp_path, monkeypatch):
    seen = []

    def broken(linker, table, n_records):
        seen.extend(p.name for p in tmp_path.iterdir())
        raise RuntimeError("training failed")

    monkeypatch.setattr(splink_model, "with_floored_m", broken)
    lists, _ = generate_lists(2, 40, seed=1)
    with pytest.raises(RuntimeError, match="training failed"):
        link_lists(lists, LinkSettings(spill_root=str(tmp_path)))
    assert len(seen) == 1 and seen[0].startswith(splink_model.SPILL_PREFIX)  # it existed during the run
    assert list(tmp_path.iterdir()) == []


def test_the_cheap_one_edit_test_answers_as_damerau_levenshtein():
    """`_one_edit` replaces `damerau_levenshtein(l, r) <= 1` in the model for speed: same answer on
    substitutions, insertions, deletions, swaps of neighbours, two edits, long strings and NULL."""
    words = ["mhmd", "mhdm", "hmmd", "mhmmd", "mhm", "mhmdx", "xmhmd", "dmhm", "abcd", "badc", "acbd", "ab", "ba",
             "a", "b", "2001-02-03", "2001-03-02", "2010-02-03", "x" * 300, "x" * 299 + "y", "x" * 298 + "yx",
             "x" * 301, None]  # fmt: skip
    pairs = pd.DataFrame([(a, b) for a in words for b in words], columns=["w_l", "w_r"])
    con = duckdb.connect()
    con.register("pairs", pairs)
    sql = f"SELECT w_l, w_r, damerau_levenshtein(w_l, w_r) <= 1, {splink_model._one_edit('w')} FROM pairs"  # noqa: S608
    got = con.execute(sql).fetchall()
    assert len(got) == len(words) ** 2
    for left, right, dl, fast in got:
        assert fast == dl, (left, right, dl, fast)


def _linked_pair_by_pair(n, pairs, threshold, conflict, list_of, accepted, rejected):
    """The clustering rules the plain way (a set per group, every pair tried in turn; average linkage:
    two groups join when the mean log-odds of the pairs scored between them reaches the conflict
    probability's): the reference the fast `cluster_positions` must equal."""
    group = {k: {k} for k in range(n)}
    owner = list(range(n))
    rejected_keys = {frozenset(p) for p in rejected}
    weight = {frozenset((a, b)): math.log2(p / (1 - p)) for a, b, p in pairs}
    bar = None if conflict is None else math.log2(conflict / (1 - conflict))

    def union(a, b, forced=False):
        ga, gb = owner[a], owner[b]
        if ga == gb:
            return
        lists_a = {list_of[k] for k in group[ga] if list_of[k] >= 0}
        if any(list_of[k] in lists_a for k in group[gb]):
            return
        cross = [frozenset((x, y)) for x in group[ga] for y in group[gb]]
        if any(key in rejected_keys for key in cross):
            return
        scored = [weight[key] for key in cross if key in weight]
        if not forced and bar is not None and scored and sum(scored) / len(scored) < bar - 1e-9:
            return
        for k in group[gb]:
            owner[k] = ga
        group[ga] |= group.pop(gb)

    for a, b in accepted:
        union(a, b, forced=True)
    strong = sorted((p for p in pairs if p[2] >= threshold), key=lambda p: (-p[2], min(p[:2]), max(p[:2])))
    for a, b, _ in strong:
        union(a, b)
    return owner


def _partition(labels):
    seen = {}
    return [seen.setdefault(label, len(seen)) for label in labels]


@pytest.mark.parametrize("seed", range(12))
def test_fast_clustering_equals_linking_pair_by_pair(seed):
    """Many small dense groups (rules bite in many), ties in probability, lists that hold a person once
    and lists that do not, accepted and rejected pairs: the same clusters as the plain algorithm."""
    rng = np.random.default_rng(seed)
    n = 300
    group_of = rng.integers(0, 60, size=n)
    pairs = {}
    for _ in range(900):
        a, b = (int(x) for x in rng.choice(n, size=2, replace=False))
        if group_of[a] != group_of[b] and rng.random() < 0.9:
            continue
        pairs[(min(a, b), max(a, b))] = float(rng.choice([0.001, 0.2, 0.45, 0.5, 0.7, 0.7, 0.95, 0.99, 0.99]))
    rows = [(a, b, p) for (a, b), p in pairs.items()]
    list_of = np.where(rng.random(n) < 0.7, rng.integers(0, 4, size=n), -1)
    keys = list(pairs)
    accepted = [keys[i] for i in rng.choice(len(keys), size=5, replace=False)]
    rejected = [k for k in (keys[i] for i in rng.choice(len(keys), size=5, replace=False)) if k not in accepted]
    left, right, probability = (np.array(c) for c in zip(*rows, strict=True))
    for conflict, lists in ((0.5, list_of), (None, list_of), (0.5, None)):
        fast = cluster_positions(n, left, right, probability, 0.5, conflict, lists, np.array(accepted),
                                 np.array(rejected))
        plain = _linked_pair_by_pair(n, rows, 0.5, conflict,
                                     np.full(n, -1) if lists is None else lists, accepted, rejected)
        assert _partition(fast) == _partition(plain), (seed, conflict, lists is None)
    # The rules did bite: plain connected components would have merged more.
    assert len(set(_partition(fast))) > len(set(_partition(
        cluster_positions(n, left, right, probability, 0.5, None, None, np.array(accepted)))))


def test_the_model_is_trained_on_a_bounded_sample_and_scores_every_record(monkeypatch):
    """Above TRAINING_RECORDS, u and m are estimated on a seeded sample of that size; the pairs are still
    scored over all records (splink's cached tables of the sample must not stand in for the whole)."""
    lists, truth = generate_lists(3, 300, seed=4)
    n = sum(len(f) for f in lists.values())
    monkeypatch.setattr(splink_model, "TRAINING_RECORDS", 200)
    trained = []
    train = splink_model._train
    monkeypatch.setattr(splink_model, "_train", lambda linker, config, size: (trained.append(size),
                                                                             train(linker, config, size)))
    result = link_lists(lists, LinkSettings())
    assert trained == [200]
    ids = [f"{name}\x1f{rid}" for name, frame in lists.items() for rid in frame["record_id"].astype(str)]
    sample = {ids[k] for k in splink_model.training_positions(n, LinkSettings().seed)}
    assert len(sample) == 200 < n
    outside = [(a, b) for a, b in zip(result.pairs["unique_id_l"], result.pairs["unique_id_r"], strict=True)
               if a not in sample and b not in sample]
    assert len(outside) > 20
    assert evaluate(result.clusters, truth).f1 > 0.9


def test_scoring_in_chunks_gives_the_same_pairs_and_clusters(monkeypatch):
    lists, _ = generate_lists(3, 400, seed=6)
    whole = link_lists(lists, LinkSettings())
    monkeypatch.setattr(splink_model, "PREDICT_CHUNK_RECORDS", 200)  # several chunks
    chunked = link_lists(lists, LinkSettings())
    columns = ["unique_id_l", "unique_id_r", "match_probability"]
    assert len(whole.pairs) > 50
    pd.testing.assert_frame_equal(chunked.pairs[columns].sort_values(columns).reset_index(drop=True),
                                  whole.pairs[columns].sort_values(columns).reset_index(drop=True))
    assert chunked.clusters["cluster_id"].tolist() == whole.clusters["cluster_id"].tolist()


def _fetched_by(monkeypatch) -> list[dict[str, np.ndarray]]:
    """The pairs each run takes out of the database (a spy on the fetch)."""
    seen: list[dict[str, np.ndarray]] = []
    fetch = splink_model._fetch_pairs
    monkeypatch.setattr(splink_model, "_fetch_pairs", lambda *args: seen.append(fetch(*args)) or seen[-1])
    return seen


def test_only_the_conflicts_inside_a_component_leave_duckdb(monkeypatch):
    """A low-scoring pair whose records no chain of kept pairs joins can never be inside a cluster: it
    stays in the database (at a million records, most of the pairs fetched were such pairs)."""
    lists, _ = generate_lists(4, 1500, seed=6)
    seen = _fetched_by(monkeypatch)
    link_lists(lists, LinkSettings())
    pairs = seen[0]
    n = sum(len(f) for f in lists.values())
    strong = pairs["match_probability"] >= KEEP_PROBABILITY
    graph = coo_matrix((np.ones(int(strong.sum())), (pairs["left"][strong], pairs["right"][strong])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    low = ~strong
    assert low.sum() >= 5  # the conflicts inside components are still fetched
    assert (component[pairs["left"][low]] == component[pairs["right"][low]]).all()


def _linkable_only(con, table, n_records, conflict_probability, linkable_from, joined=None):
    """The fetch before components narrowed it: every conflict between two linkable records."""
    arrays = con.execute(needed_pairs.pairs_needed_sql(table, conflict_probability, linkable_from, joined)).fetchnumpy()
    return needed_pairs.sort_pairs(needed_pairs.as_pair_arrays(arrays))


def _bridge(pairs: dict[str, np.ndarray], n: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """A conflict (c, d) between two clusters of links, and a pair (a, b) joining those clusters: a linked to
    c, b to d. A reviewer accepting (a, b) puts the conflict inside one component."""
    strong = pairs["match_probability"] >= 0.5
    graph = coo_matrix((np.ones(int(strong.sum())), (pairs["left"][strong], pairs["right"][strong])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    partner = {int(x): int(y) for x, y in zip(np.r_[pairs["left"][strong], pairs["right"][strong]],
                                              np.r_[pairs["right"][strong], pairs["left"][strong]], strict=True)}
    for c, d, p in zip(pairs["left"], pairs["right"], pairs["match_probability"], strict=True):
        if p < KEEP_PROBABILITY and component[c] != component[d] and c in partner and d in partner:
            return (int(c), int(d)), (partner[int(c)], partner[int(d)])
    raise AssertionError("no conflict between two clusters")


def test_fetching_the_conflicts_inside_components_gives_the_same_results(monkeypatch):
    """Same pairs kept and same clusters as fetching every conflict between linkable records, also when a
    reviewer's acceptance joins two clusters that a conflict lies between (that conflict must then leave
    the database) and rejections split clusters."""
    lists, _ = generate_lists(4, 1500, seed=6)
    n = sum(len(f) for f in lists.values())
    seen = _fetched_by(monkeypatch)
    with monkeypatch.context() as patch:
        patch.setattr(splink_model, "fetch_needed_pairs", _linkable_only)
        plain = link_lists(lists, LinkSettings())
        conflict, (a, b) = _bridge(seen[0], n)
        ids = (plain.clusters["list"] + "\x1f" + plain.clusters["record_id"]).tolist()
        decisions = ReviewDecisions()
        decisions.accept(ids[a], ids[b])
        linked = plain.pairs[plain.pairs["match_probability"] >= 0.5].head(10)
        for left, right in zip(linked["unique_id_l"], linked["unique_id_r"], strict=True):
            decisions.reject(left, right)
        whole = [plain, link_lists(lists, LinkSettings(), decisions=decisions)]
    narrowed = [link_lists(lists, LinkSettings()), link_lists(lists, LinkSettings(), decisions=decisions)]
    assert len(seen[2]["left"]) < len(seen[0]["left"]) and len(seen[3]["left"]) < len(seen[1]["left"])
    assert conflict in set(zip(seen[3]["left"].tolist(), seen[3]["right"].tolist(), strict=True))
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    for new, old in zip(narrowed, whole, strict=True):
        pd.testing.assert_frame_equal(new.pairs[columns].sort_values(columns).reset_index(drop=True),
                                      old.pairs[columns].sort_values(columns).reset_index(drop=True))
        assert new.clusters["cluster_id"].tolist() == old.clusters["cluster_id"].tolist()
    assert narrowed[1].clusters["cluster_id"].tolist() != narrowed[0].clusters["cluster_id"].tolist()


def _scored_table(rng: np.random.Generator, n: int, low: int) -> tuple[duckdb.DuckDBPyConnection, pd.DataFrame]:
    """Two components of sure pairs (chains over the even and the odd records) and `low` conflicts between
    random records: those inside a component leave the database, those between the two do not."""
    chains = [(k, k + 2) for k in range(n - 2)]
    conflicts = {(min(a, b), max(a, b)) for a, b in rng.integers(0, n, size=(low, 2)).tolist() if a != b}
    conflicts -= set(chains)
    pairs = np.array(chains + sorted(conflicts), dtype=np.int64)
    probability = np.r_[np.full(len(chains), 0.99), rng.uniform(1e-6, KEEP_PROBABILITY * 0.9, len(conflicts))]
    order = rng.permutation(len(pairs))  # the database hands them out in any order
    frame = pd.DataFrame({"unique_id_l": pairs[order, 0], "unique_id_r": pairs[order, 1],
                          "match_weight": np.log2(probability / (1 - probability))[order],
                          "match_probability": probability[order]})
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("CREATE TABLE scored AS SELECT * FROM frame")
    con.unregister("frame")
    return con, frame


def test_the_needed_pairs_are_fetched_in_batches_and_held_less_than_twice(monkeypatch):
    """Streamed in many batches, the needed pairs are those inside a component, sorted by (left, right),
    as the table holds them, positions as 32-bit integers; gathering and sorting them holds them less than
    twice over (numpy's allocations, which tracemalloc sees; 1.76 here, 42 bytes a pair): at a million
    records 16 million pairs leave DuckDB (0.4 GB a copy) while it still holds every scored pair. Gathered
    whole while the batches were still held, then sorted into new arrays, they were held 3.5 times over,
    113 bytes a pair with 64-bit positions (decision 0203, "fourth round")."""
    import tracemalloc

    con, frame = _scored_table(np.random.default_rng(3), 20_000, 150_000)
    monkeypatch.setattr(needed_pairs, "BATCH_PAIRS", 5_000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fetched = needed_pairs.fetch_needed_pairs(con, "scored", 20_000, 0.5, KEEP_PROBABILITY)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
        con.close()
    held = sum(values.nbytes for values in fetched.values())
    left, right = frame["unique_id_l"].to_numpy(), frame["unique_id_r"].to_numpy()
    inside = left % 2 == right % 2
    expected = frame[inside].sort_values(["unique_id_l", "unique_id_r"])
    assert 50_000 < len(expected) < len(frame)
    assert fetched["left"].tolist() == expected["unique_id_l"].tolist()
    assert fetched["right"].tolist() == expected["unique_id_r"].tolist()
    assert fetched["match_weight"].tolist() == expected["match_weight"].tolist()
    assert fetched["match_probability"].tolist() == expected["match_probability"].tolist()
    assert fetched["left"].dtype == fetched["right"].dtype == np.int32  # 24 bytes a pair, not 32
    assert peak < 2 * held, f"held {peak / held:.2f} times over"


def test_a_run_beyond_32_bit_positions_is_refused(monkeypatch):
    """Positions leave the database as 32-bit integers: a run with more records than they count is refused
    before anything is scored, never wrapped around."""
    monkeypatch.setattr(splink_model, "MAX_RECORDS", 10)
    lists, _ = generate_lists(2, 60, seed=6)
    assert sum(len(f) for f in lists.values()) > 10
    with pytest.raises(ValueError, match="at most 10 records"):
        link_lists(lists, LinkSettings())
