"""Privacy benchmark on the real CTDC k-anonymized dataset, side by side with the peers in one run.

1. k-anonymity, k = 25, eight quasi-identifiers, 5 % suppression limit, the same hierarchies (CTM's,
   exported as tables) for CTM and anjana: time, records suppressed, information loss.
2. DP synthetic data at epsilon 1 and 4 on ten CTDC columns: CTM's recommended method, smartnoise-synth
   MST (sampling, not rounding) and pac-synth with its defaults: time, peak memory, mean 2-/3-way TVD.

Every column's domain is public (the CTDC codebook): values outside it become missing before any
method sees the data, and CTM and smartnoise MST both get the codebook's domain (smartnoise through a
transformer fitted on the declared values, not on the data); smartnoise is also run as before, with its
categories taken from the data, to show what public domains cost.

The peers live in their own venv, .venv-bench-privacy, created here on first use with pinned versions
(``PEERS``); their versions and torch build are recorded in the results. Every method runs in a child
process so that peak memory (max RSS) is measured per method. Results go to bench/out/privacy/ and the
synthetic-data section of docs/benchmarks.md is rewritten from them (``--only synth --sample N`` for a
short run on N records drawn from CTDC).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

from benchdoc import DOC, machine, record_between

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "privacy"
PEER_VENV = ROOT / ".venv-bench-privacy"
PEER_PY = PEER_VENV / "bin" / "python"
CTDC = (ROOT.parent / "shared" / "data" / "ctdc" / "kanon_2021" / "the_global_k_anon_dataset.csv").resolve()
MISSING = "(missing)"
QIS = ["gender", "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation", "yearOfRegistration",
       "Datasource", "RecruiterRelationship"]
SYNTH_COLUMNS = ["yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
                 "CountryOfExploitation", "typeOfExploitConcatenated", "RecruiterRelationship", "isAbduction"]
K, LIMIT = 25, 0.05
EPSILONS = (1.0, 4.0)


# Every peer pinned. torch first: on this machine pip's configuration (find-links /opt/wheels) offers the
# CPU-only wheel 2.13.0+cpu; a plain `pip install smartnoise-synth` elsewhere pulls the default CUDA build
# of torch from PyPI (with its nvidia-* wheels, some GB). The build used is recorded in the results.
PEERS = ("torch==2.13.0", "smartnoise-synth==1.0.8", "anjana==1.2.3", "pac-synth==0.0.8")


def ensure_peer_venv() -> None:
    ready = PEER_VENV / ".ready"
    if ready.is_file() and ready.read_text() == " ".join(PEERS):
        return
    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    pip = [str(PEER_PY), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, PEERS[0]], check=True)
    subprocess.run([*pip, *PEERS], check=True)
    ready.write_text(" ".join(PEERS))


PEER_VERSIONS = """
import json, importlib.metadata as md
import torch
names = ["torch", "smartnoise-synth", "anjana", "pac-synth", "private-pgm", "mbi", "opacus", "numpy", "pandas"]
versions = {}
for name in names:
    try:
        versions[name] = md.version(name)
    except md.PackageNotFoundError:
        pass
build = "CUDA " + torch.version.cuda if torch.version.cuda else "CPU only"
print(json.dumps({"versions": versions, "torch_build": build}))
"""


def peer_versions() -> dict[str, object]:
    result = subprocess.run([str(PEER_PY), "-c", PEER_VERSIONS], capture_output=True, text=True, check=True)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def run_child(python: Path, code: str, *args: str, timeout: int = 3600) -> dict[str, object]:
    """Run a child Python; its last stdout line is JSON. Adds wall time and peak RSS (MiB)."""
    script = OUT / f"child_{abs(hash(code))}.py"
    script.write_text(textwrap.dedent(code))
    started = time.perf_counter()
    # Through sh, which forks the child: Linux carries a process's peak RSS across fork and exec, so a
    # child started straight from this (large) process would report at least this process's peak.
    command = ["sh", "-c", '"$@"; exit $?', "sh", str(python), str(script), *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return {"error": f"timeout after {timeout}s"}
    result: dict[str, object] = {"wall_seconds": round(time.perf_counter() - started, 2)}
    if proc.returncode != 0:
        result["error"] = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"
        return result
    result.update(json.loads(stdout.strip().splitlines()[-1]))
    return result


PEAK = """
import resource, json
def peak_mib():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
"""

ANJANA = PEAK + """
import sys, time, pandas as pd
from anjana.anonymity import k_anonymity_inner
data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
spec = json.load(open(sys.argv[2]))
hier = {q: {int(l): list(v) for l, v in levels.items()} for q, levels in spec["hierarchies"].items()}
t = time.perf_counter()
anon, supp, levels = k_anonymity_inner(data, [], spec["qi"], spec["k"], spec["limit"] * 100, hier)
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "suppressed": int(supp), "levels": {q: int(v) for q, v in levels.items()},
                  "rows": int(len(anon)), "peak_mib": peak_mib()}))
"""

CTM_ANON = PEAK + """
import sys, time
from ctm.privacy.engine import read_table, anonymize
spec = json.load(open(sys.argv[2]))
data = read_table(sys.argv[1])
t = time.perf_counter()
out, report = anonymize(data, {"k": spec["k"], "qi": spec["qi"], "suppression_limit": spec["limit"],
                               "hierarchy": spec["files"]})
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "suppressed": report["privacy"]["records_suppressed"],
                  "levels": report["levels"], "loss": report["information_loss"],
                  "search": report["search"], "peak_mib": peak_mib()}))
"""

CTM_SYNTH = PEAK + """
import sys
from ctm.privacy.engine import read_table, synthesize, write_table
data = read_table(sys.argv[1])
frame, report = synthesize(data, {"epsilon": float(sys.argv[2]), "seed": 1})  # the defaults: codebook, delta
write_table(frame, sys.argv[3])
print(json.dumps({"seconds": report["seconds_synthesis"], "peak_mib": peak_mib(), "method": report["method"],
                  "delta": report["delta"], "violations": report["constraints"]["violations_total"]}))
"""

SMARTNOISE = PEAK + """
import sys, time, pandas as pd
from snsynth.mst import MSTSynthesizer
from snsynth.transform import LabelTransformer, TableTransformer
data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
transformer = None
if len(sys.argv) > 4:  # the public domain: categories from the declared values, never from the data
    values = json.load(open(sys.argv[4]))
    longest = max(len(v) for v in values.values())
    declared = pd.DataFrame({c: [v[i % len(v)] for i in range(longest)] for c, v in values.items()})[data.columns]
    transformer = TableTransformer([LabelTransformer(nullable=False) for _ in data.columns])
    transformer.fit(declared)
t = time.perf_counter()
synth = MSTSynthesizer(epsilon=float(sys.argv[2]), delta=float(sys.argv[5]) if len(sys.argv) > 5 else 1e-7)
synth.fit(data, transformer=transformer, categorical_columns=list(data.columns), preprocessor_eps=0.0)
rows = synth.synthesizer.synthetic_data(rows=len(data), method="sample")  # sampling, not rounding
decompressed = synth.undo_compress_fn(rows)
out = synth._transformer.inverse_transform([tuple(r[1:]) for r in decompressed.df.itertuples()])
seconds = time.perf_counter() - t
pd.DataFrame(out, columns=data.columns).to_csv(sys.argv[3], index=False)
print(json.dumps({"seconds": seconds, "peak_mib": peak_mib()}))
"""

PACSYNTH = PEAK + """
import sys, time, pandas as pd
import pacsynth as sds
data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
t = time.perf_counter()
dataset = sds.Dataset([list(data.columns), *data.to_numpy().tolist()])
synth = sds.DpAggregateSeededSynthesizer(sds.DpAggregateSeededParametersBuilder().epsilon(float(sys.argv[2])).build())
synth.fit(dataset)
raw = synth.sample()
seconds = time.perf_counter() - t
pd.DataFrame(raw[1:], columns=raw[0]).to_csv(sys.argv[3], index=False)
print(json.dumps({"seconds": seconds, "peak_mib": peak_mib()}))
"""


def kanon_inputs() -> tuple[Path, Path]:
    """The CTDC QIs with missing as a value, and CTM's hierarchies as tables for both tools."""
    from ctm.privacy.engine import AnonymizeConfig, build_hierarchies, read_table

    frame = read_table(CTDC)
    hierarchies = build_hierarchies(frame, AnonymizeConfig(k=K, qi=QIS))
    data = frame[QIS].fillna(MISSING)
    data_path = OUT / "kanon_input.csv"
    data.to_csv(data_path, index=False)
    spec: dict[str, object] = {"qi": QIS, "k": K, "limit": LIMIT, "hierarchies": {}, "files": {}}
    for column, hierarchy in zip(QIS, hierarchies, strict=True):
        values = [*sorted(hierarchy.levels[0]), MISSING]
        table = [[hierarchy.generalize(None if v == MISSING else v, lvl) or MISSING for v in values]
                 for lvl in range(hierarchy.height)]
        spec["hierarchies"][column] = {str(lvl): col for lvl, col in enumerate(table)}  # type: ignore[index]
        path = OUT / f"hierarchy_{column}.csv"
        path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in zip(*table, strict=True)) + "\n")
        spec["files"][column] = str(path)  # type: ignore[index]
    spec_path = OUT / "kanon_spec.json"
    spec_path.write_text(json.dumps(spec))
    return data_path, spec_path


def peer_loss(data_path: Path, spec_path: Path, levels: dict[str, int]) -> dict[str, float]:
    """CTM's loss measures for the node anjana chose (same hierarchies, same suppression rule)."""
    from ctm.privacy.engine import AnonymizeConfig, build_hierarchies, read_table
    from ctm.privacy.engine.lattice import Criteria, evaluate, frequency_set
    from ctm.privacy.engine.measures import information_loss

    spec = json.loads(spec_path.read_text())
    frame = read_table(data_path)
    config = AnonymizeConfig(k=K, qi=QIS, hierarchy=spec["files"])
    freq = frequency_set(frame, QIS, build_hierarchies(frame, config), None)
    node = tuple(levels[q] for q in QIS)
    return information_loss(freq, evaluate(freq, node, Criteria(k=K, suppression_limit=1.0)))


def bench_kanon() -> dict[str, object]:
    data_path, spec_path = kanon_inputs()
    ctm = run_child(ROOT / ".venv" / "bin" / "python", CTM_ANON, str(data_path), str(spec_path))
    anjana = run_child(PEER_PY, ANJANA, str(data_path), str(spec_path), timeout=5400)
    if "levels" in anjana:
        anjana["loss"] = peer_loss(data_path, spec_path, anjana["levels"])  # type: ignore[arg-type]
    return {"ctm": ctm, "anjana": anjana}


def synth_inputs(sample: int | None) -> tuple[object, Path, Path, Path, dict[str, int]]:
    """CTDC's ten columns (a seeded sample if asked), in the codebook's domain; files for each method."""
    from ctm.privacy.engine import codebook, read_table

    raw = read_table(CTDC)[SYNTH_COLUMNS]
    if sample:
        raw = raw.sample(n=min(sample, len(raw)), random_state=0).reset_index(drop=True)
    domain = codebook.ctdc_domain()
    frame, mapped = domain.apply(raw)
    source, filled, values = OUT / "synth_input.csv", OUT / "synth_input_filled.csv", OUT / "synth_domain.json"
    raw.to_csv(source, index=False)
    frame.fillna(MISSING).to_csv(filled, index=False)
    declared = {c: [*domain.labels(c, 500), MISSING] for c in SYNTH_COLUMNS}
    values.write_text(json.dumps(declared))
    return frame, source, filled, values, mapped


def bench_synth(sample: int | None) -> dict[str, object]:
    from ctm.privacy.engine import codebook, constraints, read_table, utility_report

    frame, source, filled, values, mapped = synth_inputs(sample)
    results: dict[str, object] = {"records": len(frame), "out_of_domain": mapped}  # type: ignore[arg-type]
    runs = [("ctm", ROOT / ".venv" / "bin" / "python", CTM_SYNTH, [source]),
            ("smartnoise_mst_public", PEER_PY, SMARTNOISE, [filled, values]),
            ("smartnoise_mst_data_domain", PEER_PY, SMARTNOISE, [filled]),
            ("pacsynth_defaults", PEER_PY, PACSYNTH, [filled])]
    for epsilon in EPSILONS:
        for name, python, code, paths in runs:
            out = OUT / f"synth_{name}_{epsilon:g}.csv"
            print(f"  synth {name} epsilon={epsilon:g}", flush=True)
            args = [str(paths[0]), str(epsilon), str(out), *[str(p) for p in paths[1:]]]
            result = run_child(python, code, *args)
            if "error" not in result:
                synthetic = read_table(out).reindex(columns=SYNTH_COLUMNS).replace({MISSING: None})
                utility = utility_report(frame, synthetic)  # type: ignore[arg-type]
                result.update(tvd_2way=utility["tvd_2way"]["mean"], tvd_3way=utility["tvd_3way"]["mean"],
                              tvd_1way=utility["tvd_1way"]["mean"], rows=len(synthetic),
                              impossible=sum(constraints.check(synthetic, codebook.CONSTRAINTS).values()))
            results[f"{name}@{epsilon:g}"] = result
    return results


NAMES = {
    "ctm": "**CTM `mst-plus` (recommended)**, codebook domain",
    "smartnoise_mst_public": "smartnoise-synth MST (sampling), codebook domain",
    "smartnoise_mst_data_domain": "smartnoise-synth MST (sampling), categories from the data (not DP)",
    "pacsynth_defaults": "pac-synth defaults",
}
START, END = "<!-- bench_privacy:synth:start -->", "<!-- bench_privacy:synth:end -->"


def synth_markdown(results: dict[str, object], command: str) -> str:
    synth: dict[str, object] = results["synth"]  # type: ignore[assignment]
    peers: dict[str, object] = results["peers"]  # type: ignore[assignment]
    versions = ", ".join(f"{k} {v}" for k, v in peers["versions"].items())  # type: ignore[union-attr]
    lines = [
        START,
        f"Run {results['date']} on {results['machine']}, Python {results['python']}, command `{command}`. "
        f"Data: {synth['records']:,} CTDC records (ten columns below) in the CTDC codebook's domain "
        f"(values mapped to missing: {json.dumps(synth['out_of_domain'])}). Peers: {versions}; torch build: "
        f"{peers['torch_build']}. δ = 10⁻⁷ for CTM and smartnoise; CTM draws the model's noisy total of rows. "
        "Impossible records are counted with CTM's codebook constraints. Written by `bench/bench_privacy.py`.",
        "",
        "| ε | method | time | peak memory | mean 1-way TVD | mean 2-way TVD | mean 3-way TVD | impossible records |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for epsilon in EPSILONS:
        for name, label in NAMES.items():
            r: dict[str, object] = synth.get(f"{name}@{epsilon:g}", {})  # type: ignore[assignment]
            if "error" in r or not r:
                lines.append(f"| {epsilon:g} | {label} | failed: {r.get('error', 'not run')} | | | | | |")
                continue
            lines.append(f"| {epsilon:g} | {label} | {r['seconds']:.1f} s | {float(r['peak_mib']) / 1024:.2f} GB | "
                         f"{r['tvd_1way']:.4f} | {r['tvd_2way']:.3f} | {r['tvd_3way']:.3f} | {r['impossible']:,} |")
    lines.append(END)
    return "\n".join(lines)


def write_docs(markdown: str) -> None:
    """Replace the synthetic-data section of docs/benchmarks.md (between its markers) by this run's."""
    if not record_between(markdown, START, END):
        print(f"docs not written: markers {START} ... {END} not found in {DOC}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["all", "kanon", "synth"], default="all")
    parser.add_argument("--sample", type=int, help="synthetic data on N records drawn from CTDC (default: all)")
    args = parser.parse_args()
    if not CTDC.is_file():
        print(f"skipped: CTDC data not found at {CTDC}")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_peer_venv()
    started = datetime.now(UTC).isoformat(timespec="minutes")
    results: dict[str, object] = {
        "date": started, "machine": machine(),
        "python": platform.python_version(), "peers": peer_versions(),
    }
    if args.only in ("all", "kanon"):
        results["kanon"] = bench_kanon()
    if args.only in ("all", "synth"):
        results["synth"] = bench_synth(args.sample)
        command = "bench/bench_privacy.py " + " ".join(sys.argv[1:])
        write_docs(synth_markdown(results, command.strip()))
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
