"""Engine commands: `ctm link`, `ctm overlaps`, `ctm estimate`, `ctm linkage-generate` (files in, files out).

Bad input ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from pathlib import Path

import pandas as pd

from ctm.core.cells import neutralize_frame
from ctm.linkage.engine import (
    BACKENDS,
    METHODS,
    CaptureTable,
    LinkageInputError,
    LinkSettings,
    MSEInputError,
    estimate_population,
    evaluate,
    generate_lists,
    link_lists,
    overlap_table,
    table_from_frame,
)

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _fail(command: str, message: str) -> int:
    sys.stderr.write(f"ctm {command}: error: {' '.join(message.split())}\n")
    return EXIT_BAD_INPUT


def read_table_csv(path: str) -> CaptureTable:
    """Read an overlap table (one 0/1 column per list, `count`)."""
    _check_text_file(path, MSEInputError)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError as exc:
        raise MSEInputError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise MSEInputError(f"{path}: not a readable CSV file ({type(exc).__name__})") from exc
    frame = frame.replace("", float("nan"))
    return table_from_frame(frame)


def _check_text_file(path: str, error: type[Exception]) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError as exc:
        raise error(f"{path}: no such file") from exc
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror})") from exc
    if b"\x00" in head:
        raise error(f"{path}: not a CSV file (binary content)")


def estimate_main(argv: list[str]) -> int:
    parser = _Parser(prog="ctm estimate", description="Estimate the hidden population from an overlap table.")
    parser.add_argument("file", help="CSV: one 0/1 column per list and a 'count' column")
    parser.add_argument("--method", choices=METHODS, default="stepwise")
    parser.add_argument("--threshold", type=float, default=None,
                        help="p-value threshold (stepwise 0.02, aic 0.05 by default)")
    parser.add_argument("--max-order", type=int, default=2, help="highest interaction order for bic")
    parser.add_argument("--bootstrap", type=int, default=1000, help="BCa replicates; 0 for the model-based interval")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    problem = _check_estimate_args(args)
    if problem:
        return _fail("estimate", problem)
    try:
        table = read_table_csv(args.file)
        result = estimate_population(table, args.method, args.threshold, args.max_order, args.bootstrap,
                                     args.seed, args.level, workers=args.workers)
    except MSEInputError as exc:
        return _fail("estimate", str(exc))
    data = result.to_dict()
    if args.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_estimate_text(data))
    return 0


def _check_estimate_args(args: argparse.Namespace) -> str:
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        return "--threshold must be between 0 and 1"
    if not 2 <= args.max_order <= 4:
        return "--max-order must be 2, 3 or 4"
    if not 0 <= args.bootstrap <= 100_000:
        return "--bootstrap must be between 0 and 100000"
    if not 0.5 <= args.level < 1.0:
        return "--level must be between 0.5 and 1"
    return ""


def _fmt(value: float | None) -> str:
    return "infinite" if value is None or not math.isfinite(value) else f"{value:,.0f}"


def _estimate_text(data: dict[str, object]) -> str:
    lines = [
        f"method:    {data['method']}",
        f"observed:  {data['observed']}",
        f"estimate:  {_fmt(data['estimate'])}  ({data['interval']} {data['level']:.0%}: "  # type: ignore[str-format]
        f"{_fmt(data['lower'])} - {_fmt(data['upper'])})",  # type: ignore[arg-type]
        f"model:     {', '.join(data['model']) or 'main effects only'}",  # type: ignore[arg-type]
    ]
    lines += [f"warning:   {w}" for w in data["warnings"]]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"


def _read_list_csv(path: str) -> pd.DataFrame:
    _check_text_file(path, LinkageInputError)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LinkageInputError(f"{path}: not a readable CSV file ({type(exc).__name__})") from exc


def link_main(argv: list[str]) -> int:
    parser = _Parser(prog="ctm link", description="Deduplicate and link lists of people (splink on DuckDB or PostgreSQL).")
    parser.add_argument("lists", nargs="+", help="CSV files: record_id, given_name, family_name, birth_date, "
                        "sex, citizenship, document_number")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="match probability to link (0.5: more likely the same person than not)")
    parser.add_argument("--unique-lists", action="store_true",
                        help="each list holds each person at most once: a cluster never gets two records of one list")
    parser.add_argument("--out", required=True, help="CLUSTERS.csv: list, record_id, cluster_id")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--truth", help="truth CSV (list, record_id, person_id): print precision/recall/F1")
    parser.add_argument("--pairs", help="also write the scored pairs (match weights) to this CSV")
    parser.add_argument("--backend", choices=BACKENDS, default="duckdb",
                        help="where splink runs: duckdb (in memory, default) or postgres")
    parser.add_argument("--postgres-url", default=os.environ.get("CTM_LINKAGE_POSTGRES_URL"),
                        help="sqlalchemy URL for --backend postgres, e.g. postgresql+psycopg://user@host/db "
                        "(default: $CTM_LINKAGE_POSTGRES_URL)")
    parser.add_argument("--max-block-size", type=int, default=LinkSettings.max_block_size,
                        help="records in one block at most; larger blocks are split by birth year, citizenship, "
                        "sex, or left out of their rule (reported)")
    parser.add_argument("--memory-limit", default=os.environ.get("CTM_LINKAGE_MEMORY_LIMIT"),
                        help="most memory DuckDB may hold, e.g. 4GB (default: $CTM_LINKAGE_MEMORY_LIMIT, "
                        "else DuckDB's default)")
    parser.add_argument("--spill-dir", default=os.environ.get("CTM_LINKAGE_SPILL_DIR"),
                        help="folder for a private spill directory (0700, removed at the end) when DuckDB's "
                        "memory does not suffice (default: $CTM_LINKAGE_SPILL_DIR, else no spilling)")
    parser.add_argument("--threads", type=int, default=0,
                        help="DuckDB's worker threads (default: one per core)")
    args = parser.parse_args(argv)
    if not 0.0 < args.threshold < 1.0:
        return _fail("link", "--threshold must be between 0 and 1")
    if args.threads < 0:
        return _fail("link", "--threads must be 0 (one per core) or more")
    if args.max_block_size < 2:
        return _fail("link", "--max-block-size must be at least 2")
    if args.memory_limit and not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B)", args.memory_limit.strip()):
        return _fail("link", "--memory-limit must be a size such as 4GB or 512MB")
    if args.backend == "postgres" and not args.postgres_url:
        return _fail("link", "--backend postgres needs --postgres-url (or CTM_LINKAGE_POSTGRES_URL)")
    names = [Path(p).stem for p in args.lists]
    if len(set(names)) < len(names):
        return _fail("link", "two list files have the same name; list names come from file names")
    try:
        lists = {name: _read_list_csv(path) for name, path in zip(names, args.lists, strict=True)}
        result = link_lists(lists, LinkSettings(threshold=args.threshold, seed=args.seed, backend=args.backend,
                                                postgres_url=args.postgres_url, unique_lists=args.unique_lists,
                                                max_block_size=args.max_block_size,
                                                memory_limit=args.memory_limit or None,
                                                spill_root=args.spill_dir or None,
                                                threads=args.threads or None))
    except LinkageInputError as exc:
        return _fail("link", str(exc))
    for warning in result.blocking.warnings() if result.blocking else []:
        sys.stderr.write(f"ctm link: {warning}\n")
    neutralize_frame(result.clusters).to_csv(args.out, index=False)  # opened in spreadsheets
    if args.pairs:
        neutralize_frame(result.pairs).to_csv(args.pairs, index=False)
    report = result.summary()
    if args.truth:
        try:
            truth = _read_list_csv(args.truth)
        except LinkageInputError as exc:
            return _fail("link", str(exc))
        report["scores"] = evaluate(result.clusters, truth).to_dict()
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


def overlaps_main(argv: list[str]) -> int:
    parser = _Parser(prog="ctm overlaps", description="Turn clusters into the overlap table of ctm estimate.")
    parser.add_argument("clusters", help="CLUSTERS.csv from ctm link")
    parser.add_argument("--out", required=True, help="TABLE.csv: one 0/1 column per list and count")
    args = parser.parse_args(argv)
    try:
        table = overlap_table(_read_list_csv(args.clusters))
    except LinkageInputError as exc:
        return _fail("overlaps", str(exc))
    neutralize_frame(table).to_csv(args.out, index=False)
    return 0


def generate_main(argv: list[str]) -> int:
    parser = _Parser(prog="ctm linkage-generate", description="Write labelled fictional lists for testing.")
    parser.add_argument("--lists", type=int, default=3)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="directory for listN.csv and truth.csv")
    args = parser.parse_args(argv)
    if not 1 <= args.lists <= 26 or not 1 <= args.people <= 5_000_000:
        return _fail("linkage-generate", "--lists must be 1-26 and --people 1-5000000")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    lists, truth = generate_lists(args.lists, args.people, args.seed)
    for name, frame in lists.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    truth.to_csv(out / "truth.csv", index=False)
    sys.stdout.write(json.dumps({"lists": {k: len(v) for k, v in lists.items()}, "people": args.people,
                                 "truth": str(out / "truth.csv")}) + "\n")
    return 0
