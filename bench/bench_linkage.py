"""Benchmark: multiple systems estimation (BCa bootstrap) and record linkage of 100,000 records.

1. Stepwise selection + BCa bootstrap with 1,000 replicates on the six-list UK data (goal < 10 s).
2. Linkage of ~10,000 and ~100,000 generated records (4 lists; goal at 100,000: under 2 minutes with
   F1 >= 0.95): CTM (splink + DuckDB) against the `recordlinkage` package on the same records, same
   normalised columns, same scoring (time and pairwise F1). The truth file only scores the results.
   recordlinkage runs in its own virtual environment (.venv-bench-linkage) so that it never becomes a
   CTM dependency.

Run with `make bench BENCH_ARGS=linkage` or `python bench/bench_linkage.py [--people N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ctm.linkage.engine import (  # noqa: E402  (path set just above)
    estimate_population,
    evaluate,
    generate_lists,
    link_lists,
    table_from_frame,
)
from ctm.linkage.engine.link.normalize import normalise_records  # noqa: E402

UK = ROOT.parent / "shared" / "data" / "mse" / "UKdat.csv"
PEER_VENV = ROOT / ".venv-bench-linkage"
PEER_SCRIPT = Path(__file__).resolve().parent / "peer_recordlinkage.py"


def bench_mse(workers: int) -> dict[str, object]:
    table = table_from_frame(pd.read_csv(UK))
    start, cpu = time.perf_counter(), time.process_time()
    result = estimate_population(table, "stepwise", n_boot=1000, seed=1234, workers=1)
    one_worker, one_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    result = estimate_population(table, "stepwise", n_boot=1000, seed=1234, workers=workers)
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "workers": workers, "seconds_1_worker": round(one_worker, 2),
            "cpu_seconds_1_worker": round(one_cpu, 2), "estimate": round(result.estimate, 2),
            "lower": round(result.lower or 0, 1), "upper": round(result.upper or 0, 1)}


def ensure_peer() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(PEER_VENV)])
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "recordlinkage", "pandas"])
    return python


def bench_linkage(people: int, seed: int) -> dict[str, object]:
    lists, truth = generate_lists(4, people, seed)
    n_records = sum(len(f) for f in lists.values())
    start = time.perf_counter()
    ours = link_lists(lists)
    ctm_seconds = time.perf_counter() - start
    ctm_scores = evaluate(ours.clusters, truth)
    with tempfile.TemporaryDirectory() as tmp:
        normalised = pd.concat([normalise_records(f, name) for name, f in lists.items()], ignore_index=True)
        normalised.to_csv(Path(tmp) / "records.csv", index=False)
        peer = subprocess.run([str(ensure_peer()), str(PEER_SCRIPT), tmp], capture_output=True, text=True,
                              check=True)
        peer_info = json.loads(peer.stdout.strip().splitlines()[-1])
        peer_clusters = pd.read_csv(Path(tmp) / "clusters.csv", dtype={"record_id": str})
    peer_scores = evaluate(peer_clusters, truth)
    return {
        "records": n_records, "people": people,
        "ctm": {"seconds": round(ctm_seconds, 1), **_rounded(ctm_scores.to_dict())},
        "recordlinkage": {"seconds": round(peer_info["seconds"], 1), "version": peer_info["version"],
                          **_rounded(peer_scores.to_dict())},
    }


def _rounded(d: dict[str, float | int]) -> dict[str, float | int]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[5_600, 68_500],
                        help="people in the population, one run per value (~1.45 records each: "
                        "5,600 -> ~9,800 records, 68,500 -> ~100,000 records with seed 7)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d"),
               "mse": bench_mse(args.workers),
               "linkage": [bench_linkage(people, args.seed) for people in args.people]}
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
