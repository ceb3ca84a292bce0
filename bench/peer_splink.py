"""splink with its defaults, the peer of bench_linkage.py: what a user gets from splink's tutorial.

Library comparisons (`NameComparison` on given and family name, `DateOfBirthComparison`, exact sex and
citizenship, `LevenshteinAtThresholds` on the document), blocking on each name and on the birth date,
the tutorial's training (prior from a deterministic rule, u by random sampling, m by EM on two blocks),
clusters at match probability 0.9. Names are transliterated to Latin lower case (anyascii) first, as
the tutorial's cleaning would; partial birth dates (a year only) cannot be parsed by
`DateOfBirthComparison` and are left empty.
"""

from __future__ import annotations

import logging

import pandas as pd
import splink.comparison_library as cl
from anyascii import anyascii
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

THRESHOLD = 0.9


def _clean(text: object) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    return " ".join(anyascii(text).lower().replace("'", "").split())


def _frame(lists: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for name, frame in lists.items():
        dob = frame["birth_date"].where(frame["birth_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}"), None)
        parts.append(pd.DataFrame({
            "unique_id": name + "|" + frame["record_id"].astype(str), "list": name, "record_id": frame["record_id"],
            "first_name": frame["given_name"].map(_clean), "surname": frame["family_name"].map(_clean),
            "dob": dob, "sex": frame["sex"].replace("", None), "citizenship": frame["citizenship"].replace("", None),
            "document": frame["document_number"].replace("", None),
        }))
    return pd.concat(parts, ignore_index=True)


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("citizenship"),
            cl.LevenshteinAtThresholds("document", 2),
        ],
        blocking_rules_to_generate_predictions=[block_on("first_name"), block_on("surname"), block_on("dob")],
        retain_intermediate_calculation_columns=False,
    )


def link(lists: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Clusters (list, record_id, cluster_id) by splink with its defaults."""
    records = _frame(lists)
    linker = Linker(DuckDBAPI().register(records), _settings(), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    return records[["list", "record_id", "unique_id"]].merge(
        clusters[["unique_id", "cluster_id"]], on="unique_id")[["list", "record_id", "cluster_id"]]
