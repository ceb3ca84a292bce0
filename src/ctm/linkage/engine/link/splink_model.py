"""The splink model: comparisons, blocking rules, training (u by random sampling, m by EM), scoring.

One set of settings serves every backend: DuckDB (default, in memory) and PostgreSQL (through a
sqlalchemy engine). All lists are stacked into one table and deduplicated together, which both
removes duplicates inside a list and links people across lists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.exceptions import EMTrainingException

PAIR_COLUMNS = ("unique_id_l", "unique_id_r", "match_weight", "match_probability")


@dataclass(frozen=True)
class LinkSettings:
    """Parameters of a linkage run (stored as JSON by the platform)."""

    threshold: float = 0.9
    seed: int = 42
    max_pairs_u: float = 1e7
    backend: str = "duckdb"
    postgres_url: str | None = None
    prior_recall: float = 0.7
    conflict_probability: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "seed": self.seed, "max_pairs_u": self.max_pairs_u,
                "backend": self.backend, "prior_recall": self.prior_recall,
                "conflict_probability": self.conflict_probability}


# SQL shared by every backend: DuckDB has these functions built in; on PostgreSQL `postgres.py` creates
# them (jaro_winkler_similarity in PL/pgSQL; levenshtein from the fuzzystrmatch extension).
def _jw(column: str, threshold: float, other: str | None = None) -> str:
    return f'jaro_winkler_similarity("{column}_l", "{other or column}_r") >= {threshold}'


def word_comparison(word: str, other: str, label: str) -> cl.CustomComparison:
    """One name word (`tok1`, the first in skeleton order) or the remaining words (`tok2`): exact
    agreement weighted by how rare the word is (term-frequency adjustment: two 'Mohammed' agree by
    chance far more often than two 'Oluwaseun'), same consonant skeleton (transliterations), close
    spelling (Jaro-Winkler), or agreeing with the other part of the name (a typo changed the order)."""
    return cl.CustomComparison(
        output_column_name=label,
        comparison_levels=[
            cll.NullLevel(word),
            cll.ExactMatchLevel(word, term_frequency_adjustments=True),
            cll.ExactMatchLevel(f"{word}_skel", term_frequency_adjustments=True),
            cll.CustomLevel(_jw(word, 0.92), "Jaro-Winkler >= 0.92"),
            cll.CustomLevel(f"({_jw(word, 0.8)} OR {_jw(word + '_skel', 0.85)})",
                            "Jaro-Winkler >= 0.8 (skeletons >= 0.85)"),
            cll.CustomLevel(f'("{word}_skel_l" = "{other}_skel_r" OR {_jw(word, 0.92, other)})',
                            "agrees with the other part of the name"),
            cll.ElseLevel(),
        ],
    )


def birth_comparison() -> cl.CustomComparison:
    """Full date; year and month; day and month swapped or year one off with the same day and month
    (typing slips); same year; year one apart; otherwise. A missing or partial date only counts for
    what it says (a year-only record can agree on the year)."""
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_ymd"),
            cll.ExactMatchLevel("birth_ym"),
            cll.CustomLevel('("birth_md_l" = "birth_md_r" OR "birth_md_l" = "birth_dm_r")',
                            "day and month agree (year mistyped) or are swapped"),
            cll.ExactMatchLevel("birth_year"),
            cll.CustomLevel('abs(cast("birth_year_l" as integer) - cast("birth_year_r" as integer)) <= 1',
                            "years one apart"),
            cll.ElseLevel(),
        ],
    )


def document_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="document",
        comparison_levels=[
            cll.NullLevel("document"),
            cll.ExactMatchLevel("document"),
            cll.CustomLevel('levenshtein("document_l", "document_r") <= 1', "one character apart"),
            cll.ElseLevel(),
        ],
    )


def comparisons() -> list[Any]:
    return [
        word_comparison("tok1", "tok2", "name_first"),
        word_comparison("tok2", "tok1", "name_rest"),
        birth_comparison(),
        cl.ExactMatch("sex"),
        cl.ExactMatch("citizenship"),
        document_comparison(),
    ]


def prediction_blocking_rules() -> list[Any]:
    """Pairs are scored when they share any of these keys (each key tolerates different noise)."""
    return [
        block_on("name_key"),  # same words, any order
        block_on("name_skel"),  # same consonant skeletons (transliterations)
        block_on("tok1_skel", "birth_year"),  # one word right, the other mistyped
        block_on("tok2_skel", "birth_year"),
        block_on("tok1_ph", "tok2_ph"),  # sounds alike (metaphone of both words)
        block_on("tok1_pre", "tok2_pre"),  # typos after the third letter of each word
        block_on("tok2_ph", "birth_year"),
        block_on("tok1_ph", "birth_year"),
        block_on("birth_ymd", "sex"),  # names too different, same birth date
        block_on("document"),
    ]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=["source_list", "record_id"],
    )


BACKENDS = ("duckdb", "postgres")


def db_api(config: LinkSettings) -> Any:
    if config.backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if config.backend == "postgres":
        from .postgres import postgres_api

        if not config.postgres_url:
            raise ValueError("the postgres backend needs postgres_url")
        return postgres_api(config.postgres_url)
    raise ValueError(f"unknown backend {config.backend!r} ({' or '.join(BACKENDS)})")


def release(api: Any, config: LinkSettings) -> None:
    """Drop what the run left in the database (PostgreSQL: its own schema); DuckDB is in memory."""
    if config.backend == "postgres":
        from .postgres import drop_run_schema

        drop_run_schema(api)


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


def train_and_predict(records: pd.DataFrame, config: LinkSettings,
                      progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Every blocked pair, scored (unique_id_l, unique_id_r, match_weight, match_probability).
    `progress` hears "training" before the model is trained and "comparing" before the pairs are scored."""
    api = db_api(config)
    report = progress or (lambda stage: None)
    try:
        report("training")
        table = api.register(records)
        linker = Linker(table, settings(), log_level=logging.ERROR)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [block_on("name_key", "birth_ymd"), block_on("document", "birth_year")], recall=config.prior_recall)
        training.estimate_u_using_random_sampling(max_pairs=u_pairs(len(records), config.max_pairs_u),
                                                  seed=config.seed)
        for rules in EM_RULES:
            _train_em(training, rules)
        linker = with_floored_m(linker, table, len(records))
        report("comparing")
        # Every blocked pair: the low-scoring ones are evidence that two records are different people.
        predictions = linker.inference.predict(warning_mode="never")
        frame = predictions.as_pandas_dataframe()[list(PAIR_COLUMNS)]
    finally:
        release(api, config)
    return frame
