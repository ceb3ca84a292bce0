"""How far the independent lists allow linkage to go: ambiguity, calibration and thresholds.

On the lists of `bench/linkage_lists.py` (easy, homonyms, noisy; 3,000 people, seed 1) this measures,
without tuning anything:

1. true pairs that no method can be sure of: the two records have the same sorted name, and the other
   list holds a record of someone else with that name that agrees with the first record wherever the
   true one does and contradicts it nowhere (birth date, year, sex, citizenship, document): between the
   two, nothing in the data tells which is the person;
2. calibration of CTM's match probabilities: among the pairs CTM scored in a probability band, the share
   that are true pairs (a calibrated model has that share near the band's mean probability);
3. CTM's F1 when clusters are built at other thresholds than its default 0.5 (shown, not used: choosing
   a threshold on the lists that score it would be fitting to them).

Results go to docs/benchmarks.md, section "## Linkage: what the independent lists allow" (rewritten by
each run). Run with `make bench BENCH_ARGS=linkage_ceiling`.

With `--people N` it measures points 1 and 2 instead on CTM's own generator at that size, as
`bench_linkage.py --scale` links it (four lists, duplicates inside lists, the same settings), for the
section "## Linkage at scale: what the generator allows": how many true pairs are undecidable there, and
how CTM's probabilities hold when common names recur by the hundred.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from benchdoc import record_in_doc

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from bench_linkage import SCALE_MEMORY_LIMIT  # noqa: E402
from linkage_lists import SETTINGS, make_lists  # noqa: E402  (path set just above)

from ctm.linkage.engine import LinkSettings, cluster_pairs, evaluate, link_lists  # noqa: E402
from ctm.linkage.engine.link.generate import generate_lists  # noqa: E402
from ctm.linkage.engine.link.normalize import normalise_records  # noqa: E402

SECTION = "## Linkage: what the independent lists allow"
SCALE_SECTION = "## Linkage at scale: what the generator allows"
FIELDS = ("birth_ymd", "birth_year", "sex", "citizenship", "document")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
BANDS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0)


def _agree(x: dict, y: dict, field: str) -> bool:
    return x[field] is not None and x[field] == y[field]


def _contradict(x: dict, y: dict, field: str) -> bool:
    return x[field] is not None and y[field] is not None and x[field] != y[field]


def ambiguous_pairs(lists: dict[str, pd.DataFrame], truth: pd.DataFrame) -> tuple[int, int]:
    """(true pairs, true pairs with a rival as good on the other list): see the module's point 1."""
    records = pd.concat([normalise_records(frame, name) for name, frame in lists.items()], ignore_index=True)
    records = records.astype(object).where(records.notna(), None)
    person = dict(zip(truth["list"] + "\x1f" + truth["record_id"].astype(str), truth["person_id"], strict=True))
    rows = [dict(r, person=person[r["unique_id"]]) for r in records.to_dict("records")]
    by_name: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        by_name.setdefault((r["name_key"], r["source_list"]), []).append(r)
    by_person: dict[int, list[dict]] = {}
    for r in rows:
        by_person.setdefault(r["person"], []).append(r)

    def rival(x: dict, y: dict) -> bool:
        shared = [f for f in FIELDS if _agree(x, y, f)]
        return any(c["person"] != y["person"] and not any(_contradict(x, c, f) for f in FIELDS)
                   and all(_agree(x, c, f) for f in shared) for c in by_name.get((x["name_key"], y["source_list"]), []))

    total = ambiguous = 0
    for members in by_person.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                total += 1
                if a["name_key"] is not None and a["name_key"] == b["name_key"] and (rival(a, b) or rival(b, a)):
                    ambiguous += 1
    return total, ambiguous


def calibration(pairs: pd.DataFrame, person: dict[str, int], bands: tuple[float, ...] = BANDS) -> list[dict]:
    """Per probability band: the scored pairs, the share of them that are true pairs, their mean probability."""
    pairs = pairs.assign(true=[person[a] == person[b] for a, b in
                               zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)])
    pairs["band"] = pd.cut(pairs["match_probability"], list(bands), include_lowest=True)
    return [{"band": f"{max(iv.left, 0.0):.2f}–{iv.right:.2f}", "pairs": len(g), "true_share": round(float(g["true"].mean()), 3),
             "mean_probability": round(float(g["match_probability"].mean()), 3)}
            for iv, g in pairs.groupby("band", observed=True)]


SCALE_BANDS = (0.0, 0.01, 0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99, 1.0)


def measure_scale(people: int, seed: int = 1) -> dict[str, object]:
    """Points 1 and 2 on CTM's generator at `people`, linked as bench_linkage.py's scale runs link it."""
    lists, truth = generate_lists(4, people, seed)
    started = time.perf_counter()
    total, ambiguous = ambiguous_pairs(lists, truth)
    ambiguity_seconds = time.perf_counter() - started
    settings = LinkSettings(memory_limit=SCALE_MEMORY_LIMIT, threads=os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as spill_root:
        result = link_lists(lists, replace(settings, spill_root=spill_root))
    scores = evaluate(result.clusters, truth)
    person = dict(zip(truth["list"] + "\x1f" + truth["record_id"].astype(str), truth["person_id"], strict=True))
    return {"people": people, "records": sum(len(f) for f in lists.values()), "true_pairs": total,
            "ambiguous": ambiguous, "ambiguity_seconds": round(ambiguity_seconds),
            "prf": [round(scores.precision, 3), round(scores.recall, 3), round(scores.f1, 3)],
            "calibration": calibration(result.pairs, person, SCALE_BANDS)}


def render_scale(row: dict[str, object], when: str, command: str) -> str:
    share = row["ambiguous"] / row["true_pairs"]
    lines = [SCALE_SECTION, "", "(written by `bench/bench_linkage_ceiling.py --people` from its run; do not edit by hand)", "",
             f"Run on {when} with `{command}`; CTM's own generator (`ctm.linkage.engine.link.generate`), "
             f"{row['people']:,} people, {row['records']:,} records in four lists with duplicates inside lists, seed 1, "
             f"linked as `bench/bench_linkage.py --scale` links it (DuckDB memory limit {SCALE_MEMORY_LIMIT}). "
             "What bounds F1 at this size, beside the F1 goal of 0.95:", "",
             f"- **Undecidable true pairs** (same definition as the section above): {row['ambiguous']:,} of "
             f"{row['true_pairs']:,} ({share:.3f}). A method that missed all of them would still reach a recall of "
             f"{1 - share:.3f}; this run's P / R / F1: {' / '.join(f'{v:.3f}' for v in row['prf'])}.",
             "- **Calibration**: share of true pairs among the pairs CTM scored in each probability band. Where "
             "the true share is well below the mean probability, the model is overconfident there (on 3,000 "
             "people it is rather underconfident): namesakes with no birth date to tell them apart. One cause, "
             "tried and recorded in decision 0204: a shared citizenship counts as evidence of its own although a "
             "name already says where a person comes from.", "",
             "| band | pairs | true share | mean probability |", "|---|---:|---:|---:|"]
    lines += [f"| {b['band']} | {b['pairs']:,} | {b['true_share']:.3f} | {b['mean_probability']:.3f} |"
              for b in row["calibration"]]
    return "\n".join(lines) + "\n"


def measure(name: str) -> dict[str, object]:
    lists, truth = make_lists(SETTINGS[name], 1)
    total, ambiguous = ambiguous_pairs(lists, truth)
    low = min(THRESHOLDS)
    result = link_lists(lists, LinkSettings(unique_lists=True, threshold=low, conflict_probability=low))
    ids = (result.clusters["list"] + "\x1f" + result.clusters["record_id"]).tolist()
    unique = dict(zip(ids, result.clusters["list"], strict=True))
    f1 = {}
    for threshold in THRESHOLDS:
        cluster_of = cluster_pairs(ids, result.pairs, threshold, None, threshold, unique)
        scores = evaluate(result.clusters.assign(cluster_id=[cluster_of[i] for i in ids]), truth)
        f1[str(threshold)] = [round(scores.precision, 3), round(scores.recall, 3), round(scores.f1, 3)]
    person = dict(zip(truth["list"] + "\x1f" + truth["record_id"].astype(str), truth["person_id"], strict=True))
    bands = calibration(result.pairs, person)
    return {"data": name, "true_pairs": total, "ambiguous": ambiguous, "f1_by_threshold": f1, "calibration": bands}


def render(rows: list[dict[str, object]], when: str) -> str:
    lines = [SECTION, "", "(written by `bench/bench_linkage_ceiling.py` from its run; do not edit by hand)", "",
             f"Run on {when} with `make bench BENCH_ARGS=linkage_ceiling`; the lists of `bench/linkage_lists.py`, "
             "3,000 people, seed 1, CTM with `unique_lists`.", "",
             "**True pairs nothing in the data can tell from a namesake**: same sorted name, and the other list "
             "holds someone else of that name who agrees with the record wherever the true match does and "
             "contradicts it nowhere (date, year, sex, citizenship, document). A method can only guess these.", "",
             "| data | true pairs | of which undecidable | share |", "|---|---:|---:|---:|"]
    lines += [f"| {r['data']} | {r['true_pairs']:,} | {r['ambiguous']:,} | {r['ambiguous'] / r['true_pairs']:.3f} |"
              for r in rows]
    lines += ["", "**CTM's P / R / F1 if clusters were cut at other thresholds** (0.5 is the default; the others "
              "are shown, not used; one linkage per data set, kept from 0.3 and clustered at each threshold, so the "
              "0.5 column is this run's and can differ a little from the table above):", "",
              "| data | " + " | ".join(str(t) for t in THRESHOLDS) + " |", "|---|" + "---|" * len(THRESHOLDS)]
    for r in rows:
        lines.append(f"| {r['data']} | " + " | ".join(" / ".join(f"{v:.3f}" for v in r["f1_by_threshold"][str(t)])
                                                   for t in THRESHOLDS) + " |")
    lines += ["", "**Calibration**: share of true pairs among the pairs CTM scored in each probability band "
              "(calibrated: near the band's mean probability).", "",
              "| data | band | pairs | true share | mean probability |", "|---|---|---:|---:|---:|"]
    for r in rows:
        lines += [f"| {r['data']} | {b['band']} | {b['pairs']:,} | {b['true_share']:.3f} | {b['mean_probability']:.3f} |"
                  for b in r["calibration"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--backends", help=argparse.SUPPRESS)  # run_all's common options
    # `make bench BENCH_ARGS="linkage --scale-only --scale ..."` reaches this script too (its name holds
    # "linkage"): the scale runs are bench_linkage.py's alone.
    parser.add_argument("--scale-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, metavar="N",
                        help="measure CTM's own generator at N people instead (section on linkage at scale)")
    args, unknown = parser.parse_known_args(argv)
    if args.people:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        row = measure_scale(args.people)
        print(json.dumps(row, indent=2))
        if not args.no_doc:
            command = f"python bench/bench_linkage_ceiling.py --people {args.people}"
            record_in_doc(render_scale(row, when, command), SCALE_SECTION, before="## Linkage: history")
        return 0
    if args.scale_only:
        print("bench_linkage_ceiling: nothing to do for --scale-only")
        return 0
    if unknown and not all(a.startswith("--scale") or not a.startswith("-") for a in unknown):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = [measure(name) for name in SETTINGS]
    print(json.dumps(rows, indent=2))
    if not args.no_doc:
        record_in_doc(render(rows, when), SECTION, before="## Linkage: history")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
