"""Differentially private synthetic data: ``synthesize(frame, config) -> (synthetic frame, report)``.

Methods: ``mst-plus`` (CTM's recommendation, see docs/privacy.md), ``mst``, ``aim`` (all with ``mbi``) and
``pacsynth`` (CTDC's own: Microsoft's Synthetic Data Showcase, DP aggregate-seeded). The privacy
budget is checked and spent by the caller through ``budget.Ledger`` before the data are released.

Nothing about the mechanism depends on the data but through its noisy measurements: every column's
domain is declared (``domains``; the CTDC codebook by default for CTDC columns), values outside it are
mapped to its unknown code before any measurement, delta is a public constant and, unless asked for,
the number of records generated is the model's noisy total. Derived columns and logical constraints
(``constraints``) are applied after sampling.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from . import codebook
from . import constraints as rules
from .anonymize import require_columns
from .domains import Domain, parse_domain
from .encoding import Encoded, IntArray, decode, encode_with
from .io import InputError
from .utility import utility_report

METHODS = ("mst-plus", "mst", "aim", "pacsynth")
RECOMMENDED = "mst-plus"
MAX_DOMAIN_VALUES = 500
# Public, and a tenth of 1/n for the largest table CTM accepts (1,000,000 records); never 1/n^2 of the
# private n, which a neighbouring table would change.
DEFAULT_DELTA = 1e-7


@dataclass(frozen=True)
class SynthesizeConfig:
    """Parameters of a synthetic release, under the command line's option names."""

    epsilon: float
    delta: float | None = None
    method: str = RECOMMENDED
    columns: list[str] = field(default_factory=list)
    rows: int | None = None
    seed: int = 0
    reporting_length: int = 3
    iters: int = 2000
    aim_rounds: int = 6
    total_epsilon: float | None = None
    # "ctdc" (the CTDC codebook), a JSON domain declaration (column -> values / bounds / bins / labels),
    # or None: the CTDC codebook when every column is a CTDC column, else refused
    domain: str | dict[str, Any] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SynthesizeConfig:
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise InputError(f"unknown synthesize parameter(s): {', '.join(unknown)}")
        return cls(**{k: v for k, v in data.items() if v is not None or k in {"delta", "rows"}})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self, frame: pd.DataFrame) -> None:
        if not self.epsilon > 0:
            raise InputError(f"epsilon must be positive (got {self.epsilon})")
        if self.delta is not None and not 0 < self.delta < 1:
            raise InputError(f"delta must be in (0, 1) (got {self.delta})")
        if self.method not in METHODS:
            raise InputError(f"unknown method {self.method!r} ({', '.join(METHODS)})")
        if self.rows is not None and self.rows < 1:
            raise InputError(f"rows must be at least 1 (got {self.rows})")
        if not 1 <= self.reporting_length <= 10:
            raise InputError("reporting length must be between 1 and 10")
        require_columns(list(frame.columns), self.columns)
        if len(frame) < 2:
            raise InputError("the input needs at least two records")

    def resolved_delta(self) -> float:
        """delta as given, or the public default (never a function of the private data)."""
        return self.delta if self.delta is not None else DEFAULT_DELTA


def resolve_domain(spec: str | Mapping[str, Any] | None, columns: list[str]) -> Domain:
    """The public domain of ``columns``: declared, or the CTDC codebook's for CTDC columns; never guessed."""
    if isinstance(spec, Mapping):
        domain = parse_domain(spec)
    elif spec in (None, "ctdc"):
        if spec is None and not codebook.is_ctdc(columns):
            others = [c for c in columns if c not in codebook.ctdc_columns()]
            raise InputError(
                f"column(s) {', '.join(others[:6])} are not in the CTDC schema, so their public domain is "
                "unknown: declare every column's allowed values in a domain file (--domain FILE, JSON)"
            )
        domain = codebook.ctdc_domain()
    else:
        raise InputError(f"unknown domain {spec!r} (ctdc, or a domain declaration)")
    domain.require(columns)
    return domain


def synthesize(
    frame: pd.DataFrame, config: SynthesizeConfig | Mapping[str, Any], tick: Callable[[str], None] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Synthetic records drawn under (epsilon, delta)-DP from ``frame`` and the report on them."""
    if not isinstance(config, SynthesizeConfig):
        config = SynthesizeConfig.from_dict(config)
    config.validate(frame)
    columns = config.columns or list(frame.columns)
    domain = resolve_domain(config.domain, columns)
    data, mapped = domain.apply(frame[columns])  # out-of-domain values become the unknown code first
    delta = config.resolved_delta()
    started = time.perf_counter()
    drawn = _run(data, domain, config, delta, tick)
    synthetic, fixed = rules.enforce(drawn, codebook.CONSTRAINTS)
    seconds = time.perf_counter() - started
    report: dict[str, Any] = {"command": "synthesize", **config.to_dict(), "columns": columns, "delta": delta}
    report.update(rows=len(synthetic), rows_requested=config.rows, source_rows=len(data))
    report["seconds_synthesis"] = round(seconds, 3)
    report["notice"] = frame.attrs.get("notice")
    report["public_domain"] = domain_report(domain, columns, mapped)
    report["constraints"] = constraints_report(data, drawn, synthetic, fixed)
    report["utility"] = utility_report(data, synthetic, seed=config.seed)
    return synthetic, report


def domain_report(domain: Domain, columns: list[str], mapped: Mapping[str, int]) -> dict[str, Any]:
    """Where the domain was declared, its size per column and the values mapped to the unknown code."""
    return {
        "source": domain.source,
        "sizes": {c: domain.size(c) for c in columns},
        "unknown_code": {c: domain.columns[c].unknown for c in columns},
        "out_of_domain": dict(mapped),
        "out_of_domain_total": int(sum(mapped.values())),
    }


def constraints_report(real: pd.DataFrame, drawn: pd.DataFrame, released: pd.DataFrame, fixed: int) -> dict[str, Any]:
    after = rules.check(released, codebook.CONSTRAINTS)
    return {
        "rules": list(after),
        "violations": after,
        "violations_total": int(sum(after.values())),
        "violations_as_drawn": rules.check(drawn, codebook.CONSTRAINTS),
        "violations_real": rules.check(real, codebook.CONSTRAINTS),
        "rows_derived": fixed,
    }


def _run(
    data: pd.DataFrame, domain: Domain, config: SynthesizeConfig, delta: float, tick: Callable[[str], None] | None
) -> pd.DataFrame:
    if config.method == "pacsynth":  # draws only values of its (already mapped) input
        return pacsynth(data, config.epsilon, delta, config.rows, config.reporting_length)
    from . import marginal  # imports jax: only when a marginal method is asked for

    labels = {c: domain.labels(c, MAX_DOMAIN_VALUES) for c in data.columns}
    encoded: Encoded = encode_with(data, labels)
    extra = len(data.columns) - 1 if config.method == "mst-plus" else 0
    settings = marginal.MarginalSettings(iters=config.iters, aim_rounds=config.aim_rounds, extra_edges=extra)
    method = marginal.aim if config.method == "aim" else marginal.mst
    codes: dict[str, IntArray] = method(encoded, config.epsilon, delta, config.rows, config.seed, settings, tick)
    return decode(codes, encoded)


def pacsynth(
    data: pd.DataFrame, epsilon: float, delta: float, rows: int | None, reporting_length: int
) -> pd.DataFrame:
    """CTDC's method: SDS DP aggregate-seeded synthesis (zeros are values here, not absences)."""
    import pacsynth as sds

    columns = [str(c) for c in data.columns]
    cells = data.fillna("").astype(str).to_numpy().tolist()
    dataset = sds.Dataset([columns, *cells], sensitive_zeros=columns)
    builder = sds.DpAggregateSeededParametersBuilder().reporting_length(reporting_length)
    params = builder.epsilon(epsilon).delta(delta).build()
    synthesizer = sds.DpAggregateSeededSynthesizer(params)
    synthesizer.fit(dataset)
    raw = synthesizer.sample(rows or max(1, int(synthesizer.get_dp_number_of_records())))
    out = pd.DataFrame(raw[1:], columns=raw[0])[columns]
    return out.replace({"": None}).astype(object)
