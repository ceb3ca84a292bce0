"""Linkage at scale: the blocking cap, DuckDB's memory limit and the run's private spill directory."""

from __future__ import annotations

import os
import stat

import duckdb
import pandas as pd
import pytest

from ctm.linkage.engine import LinkSettings, evaluate, generate_lists, link_lists
from ctm.linkage.engine.link import splink_model
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
