"""The splink model: comparisons, blocking rules, training (u by random sampling, m by EM), scoring.

One set of settings serves every backend: DuckDB (default, in memory) and PostgreSQL (through a
sqlalchemy engine). All lists are stacked into one table and deduplicated together, which both
removes duplicates inside a list and links people across lists.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.exceptions import EMTrainingException

from .needed_pairs import (
    MAX_RECORDS,
    PAIR_COLUMNS,
    as_pair_arrays,
    fetch_needed_pairs,
    pairs_needed_sql,
    sort_pairs,
)


@dataclass(frozen=True)
class LinkSettings:
    """Parameters of a linkage run (stored as JSON by the platform)."""

    # Link a pair when the model finds it more likely the same person than not. For calibrated
    # probabilities this is close to the threshold that maximises F1 (about F1 / 2).
    threshold: float = 0.5
    seed: int = 42
    max_pairs_u: float = 1e7
    backend: str = "duckdb"
    postgres_url: str | None = None
    prior_recall: float = 0.7
    # Two groups of records join through a link only when the mean match weight of the pairs scored
    # between them is at least this probability's weight (average linkage; `clusters.cluster_numbers`).
    conflict_probability: float = 0.5
    # Each list holds each person at most once (no duplicates inside a list): a cluster then never holds
    # two records of one list.
    unique_lists: bool = False
    # Blocking cap: a block of more records than this (a very common name) is split by birth year, then
    # citizenship, then sex; what is still too large after that is left out of that blocking rule and
    # reported (`BlockingReport`). The pairs of one block grow with the square of its size: a cap keeps
    # memory and time near linear in the records.
    max_block_size: int = 2000
    # DuckDB: the most memory it may hold (e.g. "4GB"; None: DuckDB's default, 80 % of the RAM), and a
    # folder under which each run gets a private directory (mode 0700, removed at the end) for what
    # does not fit. Without `spill_root` nothing is written to disk and a run that large fails with an
    # out-of-memory error.
    memory_limit: str | None = None
    spill_root: str | None = None
    # DuckDB's worker threads (None: one per core). A job of the platform leaves cores to the web pages
    # (CTM_LINKAGE_THREADS): on a small server a run on every core slows every page down.
    threads: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "seed": self.seed, "max_pairs_u": self.max_pairs_u,
                "backend": self.backend, "prior_recall": self.prior_recall,
                "conflict_probability": self.conflict_probability, "unique_lists": self.unique_lists,
                "max_block_size": self.max_block_size, "memory_limit": self.memory_limit,
                "spill": self.spill_root is not None, "threads": self.threads}


# SQL shared by every backend: DuckDB has these functions built in; on PostgreSQL `postgres.py` creates
# them (jaro_winkler_similarity in PL/pgSQL; levenshtein from the fuzzystrmatch extension).
def _jw(column: str, threshold: float, other: str | None = None) -> str:
    return f'jaro_winkler_similarity("{column}_l", "{other or column}_r") >= {threshold}'


def _one_edit(column: str) -> str:
    """`damerau_levenshtein(l, r) <= 1`, computed cheaply (the same answer, NULL included). Damerau-
    Levenshtein is the costliest function of the model (a matrix per pair; about nine tenths of the
    time of estimating u on 10 million random pairs went to it): lengths more than one apart are more
    than one edit apart; Levenshtein <= 1 (one substitution, insertion or deletion) is <= 1 for
    Damerau-Levenshtein too; and otherwise Damerau-Levenshtein can only be 1 through one swap of two
    neighbours, that is equal lengths and Levenshtein exactly 2, the only pairs it is still asked about.
    Strings longer than 255 characters (PostgreSQL's levenshtein refuses them) go to it directly."""
    left, right = f'"{column}_l"', f'"{column}_r"'
    return (f"(CASE WHEN {left} IS NULL OR {right} IS NULL THEN NULL "
            f"WHEN abs(length({left}) - length({right})) > 1 THEN false "
            f"WHEN greatest(length({left}), length({right})) > 255 THEN damerau_levenshtein({left}, {right}) <= 1 "
            f"WHEN levenshtein({left}, {right}) <= 1 THEN true "
            f"WHEN length({left}) = length({right}) AND levenshtein({left}, {right}) = 2 "
            f"THEN damerau_levenshtein({left}, {right}) <= 1 ELSE false END)")


def _found(word: str, side: str, other: str) -> str:
    """1 when the `word` column of one record is a word of the other record's padded skeleton."""
    return (f'(CASE WHEN "{word}_{side}" IS NOT NULL AND '
            f"position(' ' || \"{word}_{side}\" || ' ' in \"skel_pad_{other}\") > 0 THEN 1 ELSE 0 END)")


def _words(side: str) -> str:
    return " + ".join(f'(CASE WHEN "{w}_{side}" IS NOT NULL THEN 1 ELSE 0 END)' for w in ("w1", "w2", "w3"))


def _subset(side: str, other: str) -> str:
    """Every word of `side`'s name (at least two) is a word of `other`'s: a family name left out."""
    found = " + ".join(_found(w, side, other) for w in ("w1", "w2", "w3"))
    return f"(({_words(side)}) >= 2 AND ({found}) = ({_words(side)}))"


def name_comparison() -> cl.CustomComparison:
    """The whole name, its words in sorted order (swapped given and family names agree): the same words,
    weighted by how common that full name is (term-frequency adjustment: two records of 'Maria Garcia'
    agree by chance far more often than two of 'Oluwaseun Danjuma'; homonyms are the common names); the
    same consonant skeletons (transliterations: Yuliya / Iuliia / Юлия); one typo; one name's words all in
    the other (one of two family names left out, a middle name dropped); a looser spelling; otherwise."""
    close = f'({_jw("name_key", 0.94)} OR {_one_edit("name_key")} OR {_one_edit("name_skel")})'
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_skel", term_frequency_adjustments=True),
            cll.CustomLevel(close, "one typo (Jaro-Winkler >= 0.94 or skeletons one letter apart)"),
            cll.CustomLevel(f"({_subset('l', 'r')} OR {_subset('r', 'l')})", "one name's words all in the other"),
            cll.CustomLevel(f'({_jw("name_key", 0.85)} OR {_jw("name_skel", 0.88)})', "Jaro-Winkler >= 0.85"),
            cll.ElseLevel(),
        ],
    )


def birth_comparison() -> cl.CustomComparison:
    """Two full dates that agree; that differ by a slip (one character, day and month swapped); a partial
    date (year, or year and month) that agrees with the other as far as it goes; a partial date a year
    off; two full dates of the same year that disagree (strong evidence of two people: homonyms are
    often told apart by their birth date alone); otherwise. A missing date counts for nothing."""
    both_full = '("birth_ymd_l" IS NOT NULL AND "birth_ymd_r" IS NOT NULL)'
    partial = '("birth_ymd_l" IS NULL OR "birth_ymd_r" IS NULL)'
    months_agree = '("birth_ym_l" IS NULL OR "birth_ym_r" IS NULL OR "birth_ym_l" = "birth_ym_r")'
    years_apart = 'abs(cast("birth_year_l" as integer) - cast("birth_year_r" as integer))'
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_ymd"),
            cll.CustomLevel(f'({both_full} AND ({_one_edit("birth_ymd")} OR "birth_md_l" = "birth_dm_r"))',
                            "full dates one slip apart"),
            cll.CustomLevel(f'({partial} AND "birth_year_l" = "birth_year_r" AND {months_agree})',
                            "a partial date agrees"),
            cll.CustomLevel(f"({partial} AND {years_apart} <= 1)", "a partial date one year off"),
            cll.CustomLevel(f'({both_full} AND "birth_year_l" = "birth_year_r")', "same year, other day"),
            cll.ElseLevel(),
        ],
    )


def document_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="document",
        comparison_levels=[
            cll.NullLevel("document"),
            cll.ExactMatchLevel("document"),
            cll.CustomLevel(_one_edit("document"), "one character apart or two neighbours swapped"),
            cll.ElseLevel(),
        ],
    )


def comparisons() -> list[Any]:
    return [
        name_comparison(),
        birth_comparison(),
        cl.ExactMatch("sex"),
        cl.ExactMatch("citizenship").configure(term_frequency_adjustments=True),
        document_comparison(),
    ]


# Pairs are scored when they share any of these keys (each key tolerates different noise).
BLOCKING_KEYS: tuple[tuple[str, ...], ...] = (
    ("name_key",),  # same words, any order
    ("name_skel",),  # same consonant skeletons (transliterations)
    ("tok1_skel", "birth_year"),  # one word right, the other mistyped
    ("tok2_skel", "birth_year"),
    ("tok1_ph", "tok2_ph"),  # sounds alike (metaphone of both words)
    ("tok1_pre", "tok2_pre"),  # typos after the third letter of each word
    ("tok2_ph", "birth_year"),
    ("tok1_ph", "birth_year"),
    ("birth_ymd", "sex"),  # names too different, same birth date
    ("document",),
)
# A block above the cap is split by these, in turn (each adds what the key lacks).
SPLIT_BY = ("birth_year", "citizenship", "sex")


@dataclass
class BlockingReport:
    """What the blocking cap did, per rule ("name_key", "tok1_skel+birth_year", ...): blocks split (a
    key held by more records than the cap) and records left out of the rule because their block was
    still too large after every split. JSON-ready through `to_dict`."""

    max_block_size: int
    split_blocks: dict[str, int] = field(default_factory=dict)
    records_left_out: dict[str, int] = field(default_factory=dict)
    largest_block: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"max_block_size": self.max_block_size, "split_blocks": dict(self.split_blocks),
                "records_left_out": dict(self.records_left_out), "largest_block": self.largest_block}

    def warnings(self) -> list[str]:
        return [f"blocking rule {rule}: {n} record(s) left out, their block was larger than "
                f"{self.max_block_size} records even when split by {', '.join(SPLIT_BY)}"
                for rule, n in self.records_left_out.items() if n]


def _rule_name(columns: tuple[str, ...]) -> str:
    return "+".join(columns)


def capped_blocking_keys(records: pd.DataFrame, max_block_size: int) -> tuple[pd.DataFrame, BlockingReport]:
    """One key column per blocking rule (`block_0`, `block_1`, ...): the rule's columns joined, None when
    one is missing. A key held by more than `max_block_size` records is extended with the birth year,
    then the citizenship, then the sex (missing values count as a value of their own, ''), until every
    block fits; records whose block still does not fit get no key for that rule (they can still meet
    through the others), and the report counts them."""
    report = BlockingReport(max_block_size)
    keys: dict[str, pd.Series] = {}
    for i, columns in enumerate(BLOCKING_KEYS):
        key = records[columns[0]].astype("string")
        for column in columns[1:]:
            key = key + "\x1f" + records[column].astype("string")  # missing in any column: no key
        name = _rule_name(columns)
        counts = key.map(key.value_counts())
        too_big = counts > max_block_size
        if too_big.any():
            report.split_blocks[name] = int(key[too_big].nunique())
        for split in SPLIT_BY:
            if not too_big.any():
                break
            if split in columns:
                continue
            key = key.where(~too_big, key + "\x1e" + records[split].fillna("").astype("string"))
            counts = key.map(key.value_counts())
            too_big = counts > max_block_size
        if too_big.any():
            report.records_left_out[name] = int(too_big.sum())
            key = key.where(~too_big)
        sizes = key.value_counts()
        report.largest_block = max(report.largest_block, int(sizes.max()) if len(sizes) else 0)
        keys[f"block_{i}"] = key  # Arrow-backed strings (missing: NULL in the database), not Python objects
    return records.assign(**keys), report


def prediction_blocking_rules() -> list[Any]:
    """One rule per `BLOCKING_KEYS` entry, on its capped key column (see `capped_blocking_keys`)."""
    return [block_on(f"block_{i}") for i in range(len(BLOCKING_KEYS))]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


BACKENDS = ("duckdb", "postgres")


SPILL_PREFIX = "ctm-linkage-spill-"
# The DuckDB connections of the runs under way in this process (`interrupt_running` stops their queries).
_RUNNING: set[Any] = set()


def private_spill_directory(root: str) -> Path:
    """A new directory under `root` that only this user can enter (0700), for one run's spill files."""
    Path(root).mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=root))
    path.chmod(0o700)
    return path


def db_api(config: LinkSettings) -> Any:
    if config.backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        # Without a spill root no temporary directory: DuckDB would otherwise write what does not fit in
        # its memory limit to ./.tmp, names and dates in clear. With one, a private directory of this run
        # (DuckDB cannot encrypt its temporary files here: that needs an encrypted database, which needs
        # the httpfs extension's OpenSSL, not shipped with the Python package), removed by `release`.
        spill = private_spill_directory(config.spill_root) if config.spill_root else None
        options: dict[str, Any] = {"temp_directory": str(spill) if spill else ""}
        if config.memory_limit:
            options["memory_limit"] = config.memory_limit
            options["max_memory"] = config.memory_limit
        if config.threads:
            options["threads"] = config.threads
        try:
            api = DuckDBAPI(duckdb.connect(config=options))
        except BaseException:
            if spill:
                shutil.rmtree(spill, ignore_errors=True)
            raise
        api.ctm_spill_directory = spill
        _RUNNING.add(api.duckdb_con)
        return api
    if config.backend == "postgres":
        from .postgres import postgres_api

        if not config.postgres_url:
            raise ValueError("the postgres backend needs postgres_url")
        return postgres_api(config.postgres_url)
    raise ValueError(f"unknown backend {config.backend!r} ({' or '.join(BACKENDS)})")


def release(api: Any, config: LinkSettings) -> None:
    """Drop what the run left: PostgreSQL its own schema; DuckDB closes (it deletes its temporary files)
    and the run's spill directory is removed with anything still in it."""
    if config.backend == "postgres":
        from .postgres import drop_run_schema

        drop_run_schema(api)
        return
    spill = getattr(api, "ctm_spill_directory", None)
    _RUNNING.discard(api.duckdb_con)
    try:
        api.duckdb_con.close()
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


def interrupt_running() -> None:
    """Stop the query of every DuckDB run under way in this process (a signal handler calls it: the run
    then fails at once with an interruption, and its `release` still removes the spill directory; a
    query cut off this way is not resumed). Without it a long query runs to its end before Python sees
    the signal."""
    for con in list(_RUNNING):
        with contextlib.suppress(Exception):
            con.interrupt()


# Each EM session fixes the comparisons in its blocking rule and estimates the others, so sessions
# block on different things: names (estimates birth, sex, citizenship, document), birth date
# (estimates names), documents. Alternatives are tried when a session fails (on small lists a level
# can be unseen among matches, and splink refuses it).
EM_RULES: tuple[tuple[Any, ...], ...] = (
    (block_on("birth_ymd"), block_on("birth_ymd", "sex")),
    (block_on("document"), block_on("document", "birth_year"), block_on("name_skel")),
)
MIN_U_PAIRS = 5e6


def _train_em(training: Any, rules: tuple[Any, ...]) -> None:
    for rule in rules:
        try:
            training.estimate_parameters_using_expectation_maximisation(rule)
        except (ValueError, ZeroDivisionError, EMTrainingException):
            continue
        return


def u_pairs(n_records: int, max_pairs: float) -> float:
    """Random pairs for the u estimates: all of them on small inputs, else max_pairs (at least 5e6)."""
    return float(min(n_records * (n_records - 1) / 2, max(max_pairs, MIN_U_PAIRS)))


MIN_M = 1e-3


def with_floored_m(linker: Linker, table: Any, n_records: int) -> Linker:
    """A level that no true match showed in training (splink leaves its m unset, which would make the
    level count for nothing) gets m = MIN_M: birth dates years apart are then strong evidence against
    a match, rather than none. When the deterministic rules found no match at all (a small list without
    duplicates), the prior becomes one expected match among all pairs instead of zero."""
    model = linker.misc.save_model_to_json()
    changed = False
    prior = model.get("probability_two_random_records_match")
    if prior is None or not prior > 0:
        model["probability_two_random_records_match"] = 1.0 / max(n_records * (n_records - 1) / 2, 2.0)
        changed = True
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        if all(lv.get("m_probability") is None for lv in levels):
            continue  # never trained (too few pairs): splink's defaults stand
        for level in levels:
            m = level.get("m_probability")
            if m is None or m < MIN_M:
                level["m_probability"] = MIN_M
                changed = True
    if not changed:
        return linker
    return Linker(table, model, log_level=logging.ERROR)


# Training (u by random sampling, m by EM) reads at most this many records, drawn at random (seeded): the
# parameters are shares (how often a level is seen among matches, among non-matches), which a random
# tenth of a million records estimates as well as a million; EM's sessions block on the birth date,
# whose pairs grow with the square of the records (at 1,000,000 records the first session alone took
# 100 s and 2.5 GB). The prior (how many pairs match) depends on the number of records: it is always
# estimated on all of them.
TRAINING_RECORDS = 200_000


def training_positions(n_records: int, seed: int, limit: int | None = None) -> np.ndarray | None:
    """The positions of the records the model is trained on (sorted), or None for all of them."""
    limit = TRAINING_RECORDS if limit is None else limit
    if n_records <= limit:
        return None
    return np.sort(np.random.default_rng(seed).choice(n_records, size=limit, replace=False))


def train_and_predict(records: pd.DataFrame, config: LinkSettings,
                      progress: Callable[[str], None] | None = None,
                      linkable_from: float | None = None,
                      blocking: BlockingReport | None = None,
                      joined: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The scored pairs clustering needs: see `needed_pairs`; `linkable_from` defaults to the threshold, and
    `joined` are pairs of positions clustering links whatever their score (a reviewer's acceptances).
    Records are named by their position in `records` (0, 1, ...): the columns are `left` and `right`
    (int32 positions, left < right), `match_weight` and `match_probability`, numpy arrays; the caller maps positions
    back to its ids. Only integers and floats leave the database, never the records' strings.
    `progress` hears "training" before the model is trained and "comparing" before the pairs are scored.
    What the blocking cap did is written into `blocking` when given."""
    linkable_from = config.threshold if linkable_from is None else linkable_from
    records, capped = capped_blocking_keys(records, config.max_block_size)
    if blocking is not None:
        blocking.__dict__.update(capped.__dict__)
    n_records = len(records)
    if n_records > MAX_RECORDS:  # positions leave the database as 32-bit integers
        raise ValueError(f"at most {MAX_RECORDS:,} records can be linked in one run")
    # splink's unique_id becomes the record's position: joins and pairs on integers, not strings.
    records = records.drop(columns=[c for c in (*KEY_ONLY_COLUMNS, "source_list", "record_id")
                                    if c in records.columns])
    records["unique_id"] = np.arange(n_records, dtype=np.int64)
    sample = training_positions(n_records, config.seed)
    api = db_api(config)
    report = progress or (lambda stage: None)
    try:
        report("training")
        table = _register(api, config, records, "ctm_records")
        training_table = table if sample is None else _register(api, config, records.iloc[sample],
                                                                "ctm_training_records")
        del records  # DuckDB holds its own copy now; the caller may free its own
        return_freed_memory()
        if sample is None:
            linker = Linker(table, settings(), log_level=logging.ERROR)
            _estimate_prior(linker, config)
            _train(linker, config, n_records)
        else:
            trainer = Linker(training_table, settings(), log_level=logging.ERROR)
            _train(trainer, config, len(sample))
            model = trainer.misc.save_model_to_json()
            # The sample's intermediate tables (records with their term frequencies, EM's pairs) and the
            # sample itself are dropped before the whole table is scored.
            trainer.table_management.invalidate_cache()
            training_table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
            linker = Linker(table, model, log_level=logging.ERROR)
            _estimate_prior(linker, config)
        linker = with_floored_m(linker, table, n_records)
        report("comparing")
        scored = _score_pairs(linker, api, config, n_records)
        frame = _fetch_pairs(linker, api, config, scored, n_records, linkable_from, joined)
    finally:
        release(api, config)
    return frame


# DuckDB scores the blocked pairs of at most this many records (on the left of a pair) at once: scoring
# joins every pair to both records' columns, and all pairs of a million records at once did not fit in
# 3 GB. Each chunk's scores go into one narrow table (two integers, two floats per pair).
PREDICT_CHUNK_RECORDS = 125_000


def _score_pairs(linker: Linker, api: Any, config: LinkSettings, n_records: int) -> str:
    """The name of the table of scored pairs (unique_id_l, unique_id_r, match_weight, match_probability)."""
    chunks = -(-n_records // PREDICT_CHUNK_RECORDS)
    if config.backend != "duckdb" or chunks <= 1:
        return linker.inference.predict(warning_mode="never").physical_name
    con = api.duckdb_con
    con.execute("CREATE TABLE ctm_scored (unique_id_l BIGINT, unique_id_r BIGINT, match_weight DOUBLE, "
                "match_probability DOUBLE)")
    for chunk in range(1, chunks + 1):
        part = linker.inference.predict_chunk(left_chunk=(chunk, chunks), right_chunk=(1, 1), warning_mode="never")
        con.execute(f"INSERT INTO ctm_scored SELECT {', '.join(PAIR_COLUMNS)} FROM {part.physical_name}")  # noqa: S608
        part.drop_table_from_database_and_remove_from_cache()
    return "ctm_scored"


def return_freed_memory() -> None:
    """Hand the memory pandas and Python freed back to the system (glibc keeps freed blocks for reuse, so a
    process's resident size would otherwise stay at its peak while DuckDB fills its own share). Elsewhere
    than on glibc: nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _estimate_prior(linker: Linker, config: LinkSettings) -> None:
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_key", "birth_ymd"), block_on("document", "birth_year")], recall=config.prior_recall)


def _train(linker: Linker, config: LinkSettings, n_records: int) -> None:
    """u from random pairs, then m by EM (the sessions of `EM_RULES`)."""
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs(n_records, config.max_pairs_u),
                                                     seed=config.seed)
    for rules in EM_RULES:
        _train_em(linker.training, rules)


def _fetch_pairs(linker: Linker, api: Any, config: LinkSettings, table: str, n_records: int, linkable_from: float,
                 joined: np.ndarray | None) -> dict[str, np.ndarray]:
    """The pairs as arrays sorted by position: `left`, `right` (int32 positions), `match_weight`,
    `match_probability` (DuckDB: straight into numpy, no pandas frame: its copies of a million records'
    pairs cost a gigabyte)."""
    if config.backend == "duckdb":
        return fetch_needed_pairs(api.duckdb_con, table, n_records, config.conflict_probability, linkable_from,
                                  joined)
    # PostgreSQL answers an empty result without its columns.
    frame = linker.misc.query_sql(pairs_needed_sql(table, config.conflict_probability, linkable_from, joined),
                                  output_type="pandas").reindex(columns=list(PAIR_COLUMNS))
    return sort_pairs(as_pair_arrays({c: frame[c].to_numpy() for c in PAIR_COLUMNS}))


# Columns that only make blocking keys (`capped_blocking_keys`), compared by no comparison: not sent to the
# database once the keys are made.
KEY_ONLY_COLUMNS = ("tok1", "tok2", "tok1_skel", "tok2_skel", "tok1_ph", "tok2_ph", "tok1_pre", "tok2_pre")


def _register(api: Any, config: LinkSettings, records: pd.DataFrame, name: str = "ctm_records") -> Any:
    """The records as splink's input table. DuckDB: copied into a table of its own (compressed, under its
    memory limit, spilled if need be) rather than a view that reads the pandas frame at every query, so
    that the frame can be freed while the model trains and scores."""
    if config.backend != "duckdb":
        return api.register(records)
    con = api.duckdb_con
    con.register("ctm_records_frame", records)
    try:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM ctm_records_frame")  # noqa: S608  (our own names)
    finally:
        con.unregister("ctm_records_frame")
    return api.register(name)
