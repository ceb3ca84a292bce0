"""Differentially private synthetic data: ``synthesize(frame, config) -> (synthetic frame, report)``.

Methods: ``mst-plus`` (CTM's recommendation, see docs/privacy.md), ``mst``, ``aim`` (all with ``mbi``) and
``pacsynth`` (CTDC's own: Microsoft's Synthetic Data Showcase, DP aggregate-seeded). The privacy
budget is checked and spent by the caller through ``budget.Ledger`` before the data are released.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from .anonymize import require_columns
from .encoding import IntArray, decode, encode
from .io import InputError
from .utility import utility_report

METHODS = ("mst-plus", "mst", "aim", "pacsynth")
RECOMMENDED = "mst-plus"
MAX_DOMAIN_VALUES = 500


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

    def resolved_delta(self, n: int) -> float:
        """delta as given, or 1 / n^2 (below 1/n, as DP requires)."""
        return self.delta if self.delta is not None else 1.0 / (max(n, 2) ** 2)


def synthesize(
    frame: pd.DataFrame, config: SynthesizeConfig | Mapping[str, Any], tick: Callable[[str], None] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Synthetic records drawn under (epsilon, delta)-DP from ``frame`` and the report on them."""
    if not isinstance(config, SynthesizeConfig):
        config = SynthesizeConfig.from_dict(config)
    config.validate(frame)
    columns = config.columns or list(frame.columns)
    data = frame[columns]
    _check_domains(data)
    delta = config.resolved_delta(len(data))
    rows = config.rows or len(data)
    started = time.perf_counter()
    synthetic = _run(data, config, delta, rows, tick)
    seconds = time.perf_counter() - started
    report: dict[str, Any] = {"command": "synthesize", **config.to_dict(), "columns": columns, "delta": delta}
    report.update(rows=len(synthetic), rows_requested=config.rows, source_rows=len(data))
    report["seconds_synthesis"] = round(seconds, 3)
    report["notice"] = frame.attrs.get("notice")
    report["utility"] = utility_report(data, synthetic)
    return synthetic, report


def _check_domains(data: pd.DataFrame) -> None:
    for column in data.columns:
        distinct = data[column].nunique(dropna=True)
        if distinct > MAX_DOMAIN_VALUES:
            raise InputError(
                f"column {column!r} has {distinct} distinct values; synthesis needs categories "
                f"(at most {MAX_DOMAIN_VALUES}): generalize or leave it out with --columns"
            )


def _run(
    data: pd.DataFrame, config: SynthesizeConfig, delta: float, rows: int, tick: Callable[[str], None] | None
) -> pd.DataFrame:
    if config.method == "pacsynth":
        return pacsynth(data, config.epsilon, delta, rows, config.reporting_length)
    from . import marginal  # imports jax: only when a marginal method is asked for

    encoded = encode(data, list(data.columns))
    extra = len(data.columns) - 1 if config.method == "mst-plus" else 0
    settings = marginal.MarginalSettings(iters=config.iters, aim_rounds=config.aim_rounds, extra_edges=extra)
    method = marginal.aim if config.method == "aim" else marginal.mst
    codes: dict[str, IntArray] = method(encoded, config.epsilon, delta, rows, config.seed, settings, tick)
    return decode(codes, encoded)


def pacsynth(data: pd.DataFrame, epsilon: float, delta: float, rows: int, reporting_length: int) -> pd.DataFrame:
    """CTDC's method: SDS DP aggregate-seeded synthesis (zeros are values here, not absences)."""
    import pacsynth as sds

    columns = [str(c) for c in data.columns]
    cells = data.fillna("").astype(str).to_numpy().tolist()
    dataset = sds.Dataset([columns, *cells], sensitive_zeros=columns)
    builder = sds.DpAggregateSeededParametersBuilder().reporting_length(reporting_length)
    params = builder.epsilon(epsilon).delta(delta).build()
    synthesizer = sds.DpAggregateSeededSynthesizer(params)
    synthesizer.fit(dataset)
    raw = synthesizer.sample(rows)
    out = pd.DataFrame(raw[1:], columns=raw[0])[columns]
    return out.replace({"": None}).astype(object)
