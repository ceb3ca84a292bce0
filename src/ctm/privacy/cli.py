"""`ctm anonymize` and `ctm synthesize`: files in, files out, no database.

Bad input (missing file, unknown column, k < 1, epsilon <= 0, unreadable file, budget exceeded, no
public domain) prints one line on stderr and exits with code 2.

Every column's domain is public: the CTDC codebook's for a file in the CTDC schema, HTCDS 2.0's value
lists for a file of HTCDS fields, else the one declared with ``--domain FILE`` (JSON, see ``ctm.privacy.engine.domains``); never taken from the data.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from ctm.core.cells import neutralize_frame, spreadsheet_suffix
from ctm.privacy.engine import (
    METHODS,
    RECOMMENDED_METHOD,
    AnonymizeConfig,
    InputError,
    SynthesizeConfig,
    anonymize,
    budget,
    heatmap,
    read_table,
    synthesize,
    write_table,
)
from ctm.privacy.engine.domains import read_domain
from ctm.privacy.engine.public import resolve_domain, standard_for
from ctm.privacy.engine.synth import epsilon_spent

DEFAULT_LEDGER = Path("var") / "privacy-budget.json"
DEFAULT_TOTAL_EPSILON = 10.0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def _columns(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _hierarchy(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        column, sep, spec = item.partition("=")
        if not sep or not column or not spec:
            raise InputError(f"--hierarchy expects COLUMN=FILE.csv or COLUMN=KIND, got {item!r}")
        out[column.strip()] = spec.strip()
    return out


def anonymize_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ctm anonymize", description="k-anonymize a table by generalization and suppression.")
    parser.add_argument("input", help="CSV (any delimiter), XLSX or Parquet")
    parser.add_argument("--k", type=int, required=True, help="every released record shares its QIs with k-1 others")
    parser.add_argument("--qi", type=_columns, required=True, help="quasi-identifiers, comma-separated")
    parser.add_argument("--sensitive", help="sensitive column for l-diversity / t-closeness")
    parser.add_argument("--l", type=float, help="l-diversity of the sensitive column")
    parser.add_argument("--l-variant", choices=["distinct", "entropy"], default="distinct")
    parser.add_argument("--t", type=float, help="t-closeness of the sensitive column (variational distance)")
    parser.add_argument("--suppression-limit", type=float, default=0.05, help="largest share of records suppressed")
    parser.add_argument("--metric", choices=["entropy", "intensity"], default="entropy", help="loss to minimise")
    parser.add_argument("--hierarchy", action="append", default=[], metavar="COL=FILE.csv|KIND",
                        help="custom hierarchy CSV or built-in kind (age, country, year, flag, categorical)")
    parser.add_argument("--risk-threshold", type=float, default=0.1)
    parser.add_argument("--sampling-fraction", type=float, default=1.0, help="share of the population in the data")
    _domain_option(parser)
    parser.add_argument("--out", required=True, help="released table (.csv, .xlsx or .parquet)")
    parser.add_argument("--report", required=True, help="report JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def synthesize_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ctm synthesize", description="Differentially private synthetic data.")
    parser.add_argument("input", help="CSV (any delimiter), XLSX or Parquet")
    parser.add_argument("--columns", type=_columns, default=[], help="columns to synthesize (default: all)")
    parser.add_argument("--method", choices=list(METHODS), default=RECOMMENDED_METHOD,
                        help=f"default: {RECOMMENDED_METHOD}, CTM's recommendation")
    parser.add_argument("--epsilon", type=float, required=True)
    parser.add_argument("--delta", type=float)
    parser.add_argument("--rows", type=int, help="records to generate (default: as many as the input)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reporting-length", type=int, default=3, help="pacsynth: longest counted combination")
    parser.add_argument("--budget", type=Path, default=DEFAULT_LEDGER, help="privacy-budget ledger JSON")
    parser.add_argument("--total-epsilon", type=float, default=DEFAULT_TOTAL_EPSILON,
                        help="total epsilon of a dataset the ledger has not seen yet")
    _domain_option(parser)
    parser.add_argument("--heatmap", type=Path, help="PNG heat map of 2-way TVD (default: next to the report)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--quiet", action="store_true")
    return parser


def _domain_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", type=Path, metavar="FILE.json",
                        help="public domain of every column: JSON, column -> allowed values, or "
                             '{"bounds": [low, high]} / {"bins": [edges]} for numbers (default for a file '
                             "in the CTDC schema: the CTDC codebook; for HTCDS fields: HTCDS 2.0's value lists)")


def _domain(path: Path | None, columns: list[str]) -> dict[str, Any] | str:
    """The domain declaration of the columns a release uses; refused when none is public."""
    if path is not None:
        domain = read_domain(path)
        domain.require(columns)
        return {c: domain.columns[c].describe() for c in columns}
    named = standard_for(columns)
    if named is None:
        resolve_domain(None, columns)  # raises the InputError naming the columns no schema declares
    return str(named)


def anonymize_main(argv: list[str]) -> int:
    return _guarded(lambda: _anonymize(anonymize_parser().parse_args(argv)))


def synthesize_main(argv: list[str]) -> int:
    return _guarded(lambda: _synthesize(synthesize_parser().parse_args(argv)))


def _guarded(run: Callable[[], int]) -> int:
    try:
        return run()
    except InputError as exc:
        sys.stderr.write(f"error: {exc}\n")
    except OSError as exc:
        sys.stderr.write(f"error: {exc.strerror or exc}: {exc.filename or ''}\n")
    except (ValueError, KeyError, MemoryError) as exc:
        sys.stderr.write(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}\n")
    return 2


def _anonymize(args: argparse.Namespace) -> int:
    if args.k < 1:
        raise InputError(f"k must be at least 1 (got {args.k})")
    config = AnonymizeConfig(
        k=args.k, qi=args.qi, sensitive=args.sensitive, l=args.l, l_variant=args.l_variant, t=args.t,
        suppression_limit=args.suppression_limit, metric=args.metric, hierarchy=_hierarchy(args.hierarchy),
        risk_threshold=args.risk_threshold, sampling_fraction=args.sampling_fraction,
    )
    with _status(args.quiet, "reading input") as say:
        frame = read_table(args.input)
        config.validate(list(frame.columns))
        used = [*config.qi, *([config.sensitive] if config.sensitive else [])]
        config = dataclasses.replace(config, domain=_domain(args.domain, used))
        say(f"searching the generalization lattice ({len(frame)} records)")
        released, report = anonymize(frame, config, progress=lambda n: say(f"lattice: {n} nodes visited"))
        say("writing output")
        write_table(_for_people(released, args.out), args.out)
    report["input"], report["out"] = str(args.input), str(args.out)
    _write_json(report, args.report)
    _summary(f"k={report['privacy']['k_achieved']} suppressed={report['privacy']['share_suppressed']:.2%} "
             f"loss={report['information_loss']['non_uniform_entropy_normalized']:.3f}", args.quiet)
    return 0


def _for_people(frame: Any, out: Any) -> Any:
    """CSV and XLSX outputs are opened in spreadsheets: formulas neutralized (Parquet kept exact)."""
    return neutralize_frame(frame) if spreadsheet_suffix(out) else frame


def _synthesize(args: argparse.Namespace) -> int:
    config = SynthesizeConfig(
        epsilon=args.epsilon, delta=args.delta, method=args.method, columns=args.columns, rows=args.rows,
        seed=args.seed, reporting_length=args.reporting_length, total_epsilon=args.total_epsilon,
    )
    with _status(args.quiet, "reading input") as say:
        frame = read_table(args.input)
        config.validate(frame)
        config = dataclasses.replace(config, domain=_domain(args.domain, config.columns or list(frame.columns)))
        ledger = budget.load_ledger(args.budget)
        source = budget.dataset_id(frame)
        ledger.check(source, config.epsilon, args.total_epsilon)
        say(f"synthesizing with {config.method} at epsilon={config.epsilon:g}")
        try:
            synthetic, report = synthesize(frame, config, tick=say)
        except BaseException as exc:  # what the failed run measured of the data stays spent (engine's mark)
            spent = epsilon_spent(exc, config.epsilon)
            if spent > 0:
                label = f"failed: {type(exc).__name__}"
                failed = budget.Release(spent, config.resolved_delta(), config.method, 0, budget.now(), label)
                ledger.spend(source, failed, args.total_epsilon)
                budget.save_ledger(ledger, args.budget)
            raise
        release = budget.Release(config.epsilon, report["delta"], config.method, len(synthetic), budget.now(),
                                 str(args.out))
        spent = ledger.spend(source, release, args.total_epsilon)
        write_table(_for_people(synthetic, args.out), args.out)
        budget.save_ledger(ledger, args.budget)
        image = args.heatmap or Path(args.report).with_suffix(".heatmap.png")
        heatmap(report["utility"], image, f"2-way TVD, {config.method}, epsilon={config.epsilon:g}")
    report.update(input=str(args.input), out=str(args.out), heatmap=str(image), dataset_id=source)
    report["budget"] = {"ledger": str(args.budget), "total_epsilon": spent.total_epsilon,
                        "spent": spent.spent, "remaining": spent.remaining}
    _write_json(report, args.report)
    utility = report["utility"]
    _summary(f"rows={len(synthetic)} tvd3={utility.get('tvd_3way', {}).get('mean', float('nan')):.4f} "
             f"epsilon left={spent.remaining:g}", args.quiet)
    return 0


@contextmanager
def _status(quiet: bool, first: str) -> Iterator[Callable[[str], None]]:
    """Progress on stderr (rich spinner with elapsed time), silent with --quiet."""
    if quiet:
        yield lambda _message: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    started = time.perf_counter()
    with console.status(first) as status:
        yield lambda message: status.update(f"{message} [{time.perf_counter() - started:.0f}s]")


def _write_json(report: dict[str, Any], path: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")


def _summary(line: str, quiet: bool) -> None:
    if not quiet:
        sys.stderr.write(line + "\n")
