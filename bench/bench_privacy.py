"""Privacy benchmark on the real CTDC k-anonymized dataset, side by side with the peers in one run.

1. k-anonymity, k = 25, eight quasi-identifiers, 5 % suppression limit, the same hierarchies (CTM's,
   exported as tables) for CTM and anjana: time, records suppressed, information loss.
2. DP synthetic data at epsilon 1 and 4 on ten CTDC columns: CTM's recommended method, smartnoise-synth
   MST (sampling, not rounding) and pac-synth with its defaults: time, peak memory, mean 2-/3-way TVD.

The peers live in their own venv, .venv-bench-privacy, created here on first use (torch 2.13.0 CPU
first, from the wheel on this machine, so that smartnoise-synth does not pull CUDA). Every method runs
in a child process so that peak memory (max RSS) is measured per method. Results are printed as JSON
and as the Markdown written into docs/benchmarks.md by hand.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

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


def ensure_peer_venv() -> None:
    if (PEER_VENV / ".ready").is_file():
        return
    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    pip = [str(PEER_PY), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "torch==2.13.0"], check=True)
    subprocess.run([*pip, "smartnoise-synth", "anjana", "pac-synth"], check=True)
    (PEER_VENV / ".ready").write_text("ok")


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
import sys, time
from ctm.privacy.engine import read_table, synthesize, write_table
from ctm.privacy.engine import synth
data = read_table(sys.argv[1])
t = time.perf_counter()
frame = synth._run(data, synth.SynthesizeConfig(epsilon=float(sys.argv[2]), seed=1), 1 / len(data) ** 2, len(data), None)
seconds = time.perf_counter() - t
write_table(frame, sys.argv[3])
print(json.dumps({"seconds": seconds, "peak_mib": peak_mib(), "method": synth.RECOMMENDED}))
"""

SMARTNOISE = PEAK + """
import sys, time, pandas as pd
from snsynth.mst import MSTSynthesizer
data = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
t = time.perf_counter()
synth = MSTSynthesizer(epsilon=float(sys.argv[2]), delta=1 / len(data) ** 2)
synth.fit(data, categorical_columns=list(data.columns), preprocessor_eps=0.0)
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


def bench_synth() -> dict[str, object]:
    from ctm.privacy.engine import read_table, utility_report

    frame = read_table(CTDC)[SYNTH_COLUMNS]
    source = OUT / "synth_input.csv"
    frame.to_csv(source, index=False)
    filled = OUT / "synth_input_filled.csv"
    frame.fillna(MISSING).to_csv(filled, index=False)
    results: dict[str, object] = {}
    runs = [("ctm", ROOT / ".venv" / "bin" / "python", CTM_SYNTH, source),
            ("smartnoise_mst", PEER_PY, SMARTNOISE, filled), ("pacsynth_defaults", PEER_PY, PACSYNTH, source)]
    for epsilon in EPSILONS:
        for name, python, code, path in runs:
            out = OUT / f"synth_{name}_{epsilon:g}.csv"
            print(f"  synth {name} epsilon={epsilon:g}", flush=True)
            result = run_child(python, code, str(path), str(epsilon), str(out))
            if "error" not in result:
                synthetic = read_table(out).reindex(columns=SYNTH_COLUMNS).replace({MISSING: None})
                utility = utility_report(frame, synthetic)
                result.update(tvd_2way=utility["tvd_2way"]["mean"], tvd_3way=utility["tvd_3way"]["mean"],
                              tvd_1way=utility["tvd_1way"]["mean"], rows=len(synthetic))
            results[f"{name}@{epsilon:g}"] = result
    return results


def main() -> int:
    if not CTDC.is_file():
        print(f"skipped: CTDC data not found at {CTDC}")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_peer_venv()
    started = datetime.now(UTC).isoformat(timespec="minutes")
    results = {"date": started, "machine": f"{platform.node()} {platform.platform()} {os.cpu_count()} cores",
               "python": platform.python_version(), "kanon": bench_kanon(), "synth": bench_synth()}
    path = OUT / "results.json"
    path.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
