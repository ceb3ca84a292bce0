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
   a threshold on the lists that score it would be fitting to them);
4. an upper bound: the F1 of a classifier trained on the true answers (gradient boosting, scikit-learn, in
   `.venv-bench-linkage`: `peer_supervised.py`), on every pair CTM's blocking scores, with CTM's
   comparison levels, term frequencies and scores and the raw similarities (Jaro-Winkler and edit
   distance of the names, years apart, which parts of the dates and documents are there, how many
   candidates each record has on the other list and where the pair ranks among them), each pair scored
   by a model that never saw its record's pairs (5 folds), clustered as CTM clusters, at the best of the
   thresholds. It knows the answers CTM has to guess. It is a strong reference, not a proof of a ceiling
   (a better learner could do a little better; CTM itself can be ahead of it): when even it falls far
   short of a goal, the records hold too little to reach that goal by any method reading them.

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
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import jellyfish
import numpy as np
import pandas as pd
from benchdoc import record_in_doc

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from bench_linkage import SCALE_MEMORY_LIMIT, ensure_peer  # noqa: E402
from linkage_lists import SETTINGS, make_lists  # noqa: E402  (path set just above)
from splink import Linker  # noqa: E402

from ctm.linkage.engine import LinkSettings, cluster_pairs, evaluate, link_lists  # noqa: E402
from ctm.linkage.engine.link import splink_model  # noqa: E402
from ctm.linkage.engine.link.generate import generate_lists  # noqa: E402
from ctm.linkage.engine.link.needed_pairs import KEEP_PROBABILITY  # noqa: E402
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


def measure_scale(people: int, seed: int = 1, python: Path | None = None) -> dict[str, object]:
    """Points 1 and 2 on CTM's generator at `people`, linked as bench_linkage.py's scale runs link it; with
    the peer environment's `python`, point 4 too, on the pairs CTM scores at least `KEEP_PROBABILITY`."""
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
            "calibration": calibration(result.pairs, person, SCALE_BANDS),
            **({"supervised": _supervised_at_scale(lists, truth, python, settings)} if python else {})}


def _supervised_at_scale(lists: dict[str, pd.DataFrame], truth: pd.DataFrame, python: Path,
                         settings: LinkSettings) -> dict[str, object]:
    """The classifier sees the pairs CTM scores at least KEEP_PROBABILITY (the pairs a run keeps; below
    it, nine in ten million are true at a million records): all of them would not fit in memory with
    their compared values."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as spill_root:
        row = supervised_bound(lists, truth, python, replace(settings, spill_root=spill_root), KEEP_PROBABILITY)
    return {**row, "seconds": round(time.perf_counter() - started)}


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
    if "supervised" in row:
        sup = row["supervised"]
        lines += ["", f"**What a classifier trained on the true answers reaches** (a reference, not a rival and not a "
                  f"proof of a ceiling: scikit-learn {sup['scikit_learn']}'s gradient boosting, as in the section "
                  f"above, here on the {sup['pairs']:,} pairs CTM scored at least {KEEP_PROBABILITY}, the pairs a run "
                  f"keeps; {sup['seconds']:,} s): P / R / F1 "
                  f"{' / '.join(f'{v:.3f}' for v in sup['best'])} at its best threshold ({sup['best_threshold']}), "
                  f"against CTM's {' / '.join(f'{v:.3f}' for v in row['prf'])}. Per threshold:", "",
                  "| threshold | P / R / F1 |", "|---:|---|"]
        lines += [f"| {t} | {' / '.join(f'{v:.3f}' for v in prf)} |" for t, prf in sup["by_threshold"].items()]
    return "\n".join(lines) + "\n"


GAMMAS = ("gamma_name", "gamma_birth", "gamma_sex", "gamma_citizenship", "gamma_document")
TERM_FREQUENCIES = ("tf_name_key_l", "tf_name_key_r", "tf_name_skel_l", "tf_name_skel_r", "tf_citizenship_l",
                    "tf_citizenship_r")


def explained_pairs(records: pd.DataFrame, config: LinkSettings, min_probability: float = 0.0) -> pd.DataFrame:
    """The pairs CTM's blocking scores (those at or above `min_probability`), with their comparison
    levels, term frequencies and compared values: CTM's own training and scoring, step by step as
    `splink_model.train_and_predict` takes them (trained on a sample above `TRAINING_RECORDS` records,
    scored in chunks of `PREDICT_CHUNK_RECORDS`), asked to keep what it computed along the way."""
    keyed, _ = splink_model.capped_blocking_keys(records, config.max_block_size)
    keyed = keyed.drop(columns=[c for c in splink_model.KEY_ONLY_COLUMNS if c in keyed.columns])
    n_records = len(keyed)
    sample = splink_model.training_positions(n_records, config.seed)
    api = splink_model.db_api(config)
    try:
        table = api.register(keyed)
        # CTM's own steps, in its order (`train_and_predict`).
        if sample is None:
            linker = Linker(table, splink_model.settings(), log_level=logging.ERROR)
            splink_model._estimate_prior(linker, config)
            splink_model._train(linker, config, n_records)
        else:
            trainer = Linker(api.register(keyed.iloc[sample]), splink_model.settings(), log_level=logging.ERROR)
            splink_model._train(trainer, config, len(sample))
            linker = Linker(table, trainer.misc.save_model_to_json(), log_level=logging.ERROR)
            splink_model._estimate_prior(linker, config)
        model = splink_model.with_floored_m(linker, table, n_records).misc.save_model_to_json()
        model.update(retain_intermediate_calculation_columns=True, retain_matching_columns=True)
        linker = Linker(table, model, log_level=logging.ERROR)
        chunks = -(-n_records // splink_model.PREDICT_CHUNK_RECORDS)
        parts = []
        for chunk in range(1, chunks + 1):
            part = linker.inference.predict_chunk(left_chunk=(chunk, chunks), right_chunk=(1, 1), warning_mode="never")
            parts.append(linker.misc.query_sql(
                f"SELECT * FROM {part.physical_name} WHERE match_probability >= {min_probability}",  # noqa: S608
                output_type="pandas"))
            part.drop_table_from_database_and_remove_from_cache()
        # DuckDB returns them in any order: sorted, the classifier sees the same rows in the same order every run.
        return pd.concat(parts, ignore_index=True).sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)
    finally:
        splink_model.release(api, config)


def _similarity(left: pd.Series, right: pd.Series, measure) -> list[float]:
    return [measure(a, b) if isinstance(a, str) and isinstance(b, str) else -1.0 for a, b in zip(left, right, strict=True)]


def pair_features(pairs: pd.DataFrame) -> pd.DataFrame:
    """The classifier's inputs, numbers only (-1 where a value is missing)."""
    def present(column: str) -> pd.Series:
        return pairs[column].notna().astype(int)

    years = pd.to_numeric(pairs["birth_year_l"], errors="coerce") - pd.to_numeric(pairs["birth_year_r"], errors="coerce")
    months = pairs["birth_ym_l"].notna() & pairs["birth_ym_r"].notna()
    features = pd.DataFrame({
        **{c: pairs[c] for c in GAMMAS}, **{c: pairs[c].fillna(-1) for c in TERM_FREQUENCIES},
        "match_weight": pairs["match_weight"],
        "jaro_winkler_name": _similarity(pairs["name_key_l"], pairs["name_key_r"], jellyfish.jaro_winkler_similarity),
        "jaro_winkler_skeleton": _similarity(pairs["name_skel_l"], pairs["name_skel_r"],
                                             jellyfish.jaro_winkler_similarity),
        "edits_name": _similarity(pairs["name_key_l"], pairs["name_key_r"], jellyfish.levenshtein_distance),
        "years_apart": years.abs().fillna(-1),
        "month_agrees": np.where(months, (pairs["birth_ym_l"] == pairs["birth_ym_r"]).astype(int), -1),
        **{f"{c}_{side}": present(f"{c}_{side}") for c in ("birth_ymd", "birth_ym", "document", "sex")
           for side in ("l", "r")},
    })
    left_list = pairs["unique_id_l"].str.split("\x1f").str[0]
    right_list = pairs["unique_id_r"].str.split("\x1f").str[0]
    for side, key in (("l", [pairs["unique_id_l"], right_list]), ("r", [pairs["unique_id_r"], left_list])):
        weight = pairs["match_weight"].groupby(key)
        features[f"candidates_{side}"] = weight.transform("size")
        features[f"rank_{side}"] = weight.rank(ascending=False)
    return features


def supervised_bound(lists: dict[str, pd.DataFrame], truth: pd.DataFrame, python: Path,
                     config: LinkSettings | None = None, min_probability: float = 0.0) -> dict[str, object]:
    """Point 4 of the module: P / R / F1 per threshold, the best F1 and its threshold. Lists that hold each
    person once (`config.unique_lists`, the default) leave out the pairs inside a list."""
    config = config or LinkSettings(unique_lists=True)
    records = pd.concat([normalise_records(frame, name) for name, frame in lists.items()], ignore_index=True)
    pairs = explained_pairs(records, config, min_probability)
    if config.unique_lists:
        same_list = pairs["unique_id_l"].str.split("\x1f").str[0] == pairs["unique_id_r"].str.split("\x1f").str[0]
        pairs = pairs[~same_list].reset_index(drop=True)
    person = dict(zip(truth["list"] + "\x1f" + truth["record_id"].astype(str), truth["person_id"], strict=True))
    features = pair_features(pairs).assign(
        true=[int(person[a] == person[b]) for a, b in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)],
        group=pairs["unique_id_l"].factorize()[0])
    with tempfile.TemporaryDirectory() as tmp:
        features.to_csv(Path(tmp) / "pairs.csv", index=False)
        peer = subprocess.run([str(python), str(HERE / "peer_supervised.py"), tmp], capture_output=True, text=True,
                              check=True)
        probability = pd.read_csv(Path(tmp) / "probabilities.csv")["probability"].to_numpy()
    info = json.loads(peer.stdout.strip().splitlines()[-1])
    scored = pd.DataFrame({"unique_id_l": pairs["unique_id_l"], "unique_id_r": pairs["unique_id_r"],
                           "match_probability": probability,
                           "match_weight": np.log2(np.clip(probability, 1e-9, 1 - 1e-9) / np.clip(1 - probability, 1e-9, 1))})
    ids = records["unique_id"].tolist()
    unique = dict(zip(ids, records["source_list"], strict=True)) if config.unique_lists else None
    frame = pd.DataFrame({"list": records["source_list"], "record_id": records["record_id"]})
    by_threshold = {}
    for threshold in THRESHOLDS:
        cluster_of = cluster_pairs(ids, scored, threshold, None, threshold, unique)
        scores = evaluate(frame.assign(cluster_id=[cluster_of[i] for i in ids]), truth)
        by_threshold[str(threshold)] = [round(scores.precision, 3), round(scores.recall, 3), round(scores.f1, 3)]
    best = max(by_threshold, key=lambda t: by_threshold[t][2])
    true_pairs = evaluate(truth.rename(columns={"person_id": "cluster_id"}), truth).true_pairs
    return {"by_threshold": by_threshold, "best_threshold": best, "best": by_threshold[best],
            "pairs": len(pairs), "true_pairs_never_scored": true_pairs - int(features["true"].sum()),
            "scikit_learn": info["scikit_learn"]}


def measure(name: str, python: Path | None = None) -> dict[str, object]:
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
    row = {"data": name, "true_pairs": total, "ambiguous": ambiguous, "f1_by_threshold": f1, "calibration": bands}
    if python is not None:
        row["supervised"] = supervised_bound(lists, truth, python)
    return row


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
    if all("supervised" in r for r in rows):
        version = rows[0]["supervised"]["scikit_learn"]
        lines += ["", "**What a classifier trained on the true answers reaches** (a reference, not a rival and not a proof of a ceiling: "
                  f"scikit-learn {version}'s gradient boosting, see point 4 of the script's description; each pair "
                  "scored by a model that never saw its record's pairs, clustered as CTM clusters, best of the "
                  "thresholds above, chosen with the answers):", "",
                  "| data | pairs scored | true pairs never scored (blocking) | CTM at 0.5: P / R / **F1** | "
                  "trained on the answers: P / R / **F1** | its threshold |", "|---|---:|---:|---|---|---:|"]
        for r in rows:
            sup = r["supervised"]
            ctm = r["f1_by_threshold"]["0.5"]
            lines.append(f"| {r['data']} | {sup['pairs']:,} | {sup['true_pairs_never_scored']:,} | {ctm[0]:.3f} / {ctm[1]:.3f} / **{ctm[2]:.3f}** | "
                         f"{sup['best'][0]:.3f} / {sup['best'][1]:.3f} / **{sup['best'][2]:.3f}** | "
                         f"{sup['best_threshold']} |")
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
    parser.add_argument("--supervised", action="store_true",
                        help="with --people: also what a classifier trained on the true answers reaches there")
    args, unknown = parser.parse_known_args(argv)
    if args.people:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        row = measure_scale(args.people, python=ensure_peer() if args.supervised else None)
        print(json.dumps(row, indent=2))
        if not args.no_doc:
            command = f"python bench/bench_linkage_ceiling.py --people {args.people}" + (
                " --supervised" if args.supervised else "")
            record_in_doc(render_scale(row, when, command), SCALE_SECTION, before="## Linkage: history")
        return 0
    if args.scale_only:
        print("bench_linkage_ceiling: nothing to do for --scale-only")
        return 0
    if unknown and not all(a.startswith("--scale") or not a.startswith("-") for a in unknown):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    python = ensure_peer()
    rows = [measure(name, python) for name in SETTINGS]
    print(json.dumps(rows, indent=2))
    if not args.no_doc:
        record_in_doc(render(rows, when), SECTION, before="## Linkage: history")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
