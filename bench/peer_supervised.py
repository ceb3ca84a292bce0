"""An upper bound for bench_linkage_ceiling.py, run in .venv-bench-linkage (scikit-learn): a classifier
trained on the true answers.

`peer_supervised.py FOLDER` reads FOLDER/pairs.csv (one row per pair CTM's blocking scored: numeric
feature columns, `true` 0/1, `group`), fits scikit-learn's HistGradientBoostingClassifier with 5-fold
cross-validation grouped by `group` (each pair is scored by a model that never saw that group's pairs),
writes the probabilities in the order of the rows to FOLDER/probabilities.csv and prints
{"seconds": ..., "scikit_learn": version}. No method that only reads the same pairs and records without
the answers can be expected to beat it: it measures what the records allow, not a rival to CTM.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

FOLDS = 5


def main(folder: Path) -> None:
    pairs = pd.read_csv(folder / "pairs.csv")
    features = pairs.drop(columns=["true", "group"]).astype(float).to_numpy()
    labels = pairs["true"].to_numpy(dtype=int)
    probability = np.zeros(len(pairs))
    start = time.perf_counter()
    for train, test in GroupKFold(FOLDS).split(features, labels, pairs["group"]):
        model = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=0)
        probability[test] = model.fit(features[train], labels[train]).predict_proba(features[test])[:, 1]
    pd.DataFrame({"probability": probability}).to_csv(folder / "probabilities.csv", index=False)
    print(json.dumps({"seconds": round(time.perf_counter() - start, 1), "scikit_learn": sklearn.__version__}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
