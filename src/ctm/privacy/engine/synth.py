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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from . import codebook
from . import constraints as rules
from .anonymize import require_columns
from .domains import Categorical, Domain, ListDomain
from .encoding import Encoded, IntArray, decode, encode_with
from .io import InputError
from .public import resolve_domain
from .utility import utility_report

METHODS = ("mst-plus", "mst", "aim", "pacsynth")
RECOMMENDED = "mst-plus"
MAX_DOMAIN_VALUES = 500
MAX_LIST_LABELS = 64  # a longer declared list (every country) is refused rather than made into flags
FLAG = Categorical(("0", "1"))
# Public, and a tenth of 1/n for the largest table CTM accepts (1,000,000 records); never 1/n^2 of the
# private n, which a neighbouring table would change.
DEFAULT_DELTA = 1e-7


# Share of epsilon pac-synth spends on its noisy count of records. Its default (0.005) gives a Laplace
# noise large enough to make the count negative, which fails the run: at 200 records and epsilon 1.5 in 15%
# of runs, at 120 records and epsilon 1 in 30%. At 0.05 that is 0.5 * exp(-n * 0.05 * epsilon): about
# 1e-7 at 200 records and epsilon 1.5, 4% at 50 records and epsilon 1; the aggregates keep 95% of epsilon.
PACSYNTH_COUNT_SHARE = 0.05


class PacSynthRefused(InputError):
    """pac-synth's noisy count of records came out negative (a Rust panic there): too few records for epsilon.

    The refusal is a function of the data through that noisy count: the count's share of epsilon
    (``epsilon_spent``) stays spent; the aggregates, never measured, give the rest back."""

    def __init__(self, message: str, *, epsilon_spent: float) -> None:
        super().__init__(message)
        self.epsilon_spent = epsilon_spent


# pac-synth's panic when the noise on its count of records makes it negative (its only data-dependent refusal)
PACSYNTH_COUNT_PANIC = "number of records"


def epsilon_spent(exc: BaseException, epsilon: float) -> float:
    """The epsilon a failed ``synthesize`` spent: what the engine marked on the error where it knows (0 before
    any measurement of the data, the count's share for pac-synth's refusal), else all of it (fail closed)."""
    marked = getattr(exc, "epsilon_spent", None)
    return epsilon if marked is None else min(max(float(marked), 0.0), epsilon)


@contextmanager
def _spending(epsilon: float) -> Iterator[None]:
    """An error raised inside leaves ``epsilon`` spent, unless an inner step marked it already."""
    try:
        yield
    except BaseException as exc:
        if getattr(exc, "epsilon_spent", None) is None:
            # an exception type without a __dict__ stays unmarked: all of epsilon is then spent
            with suppress(AttributeError):
                exc.epsilon_spent = epsilon  # type: ignore[attr-defined]
        raise


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
    # "ctdc" (the CTDC codebook), "htcds" (HTCDS 2.0's value lists), a JSON domain declaration (column ->
    # values / bounds / bins / labels / standard), or None: the schema's when every column is a CTDC column
    # or every one an HTCDS field, else refused
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


def synthesize(
    frame: pd.DataFrame, config: SynthesizeConfig | Mapping[str, Any], tick: Callable[[str], None] | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Synthetic records drawn under (epsilon, delta)-DP from ``frame`` and the report on them.

    An error is marked with the epsilon it leaves spent (``epsilon_spent(exc, epsilon)``): none when the
    parameters, the declared domain or the public preparation fail, before any measurement of the data;
    the count's share when pac-synth refuses; all of it once the mechanism measured the data."""
    with _spending(0.0):
        if not isinstance(config, SynthesizeConfig):
            config = SynthesizeConfig.from_dict(config)
        config.validate(frame)
        columns = config.columns or list(frame.columns)
        domain = resolve_domain(config.domain, columns)
        data, mapped = domain.apply(frame[columns])  # out-of-domain values become the unknown code first
    delta = config.resolved_delta()
    started = time.perf_counter()
    with _spending(config.epsilon):
        drawn = _run(data, domain, config, delta, tick)
        synthetic, fixed = rules.enforce(drawn, codebook.CONSTRAINTS)
    seconds = time.perf_counter() - started
    report: dict[str, Any] = {"command": "synthesize", **config.to_dict(), "columns": columns, "delta": delta}
    report.update(rows=len(synthetic), rows_requested=config.rows, source_rows=len(data))
    report["seconds_synthesis"] = round(seconds, 3)
    report["notice"] = frame.attrs.get("notice")
    report["public_domain"] = domain_report(domain, columns, mapped)
    report["constraints"] = constraints_report(data, drawn, synthetic, fixed)
    with _spending(config.epsilon):
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
    with _spending(0.0):  # public steps: the declared labels, the encoding (nothing measured yet)
        from . import marginal  # imports jax: only when a marginal method is asked for

        data, domain, lists = expand_lists(data, domain)
        labels = {c: domain.labels(c, MAX_DOMAIN_VALUES) for c in data.columns}
        encoded: Encoded = encode_with(data, labels)
    extra = len(data.columns) - 1 if config.method == "mst-plus" else 0
    settings = marginal.MarginalSettings(iters=config.iters, aim_rounds=config.aim_rounds, extra_edges=extra)
    method = marginal.aim if config.method == "aim" else marginal.mst
    codes: dict[str, IntArray] = method(encoded, config.epsilon, delta, config.rows, config.seed, settings, tick)
    return join_lists(decode(codes, encoded), lists)


FLAG_SEPARATOR = "\u241f"  # a column name no schema uses: LIST<US>Label


def expand_lists(data: pd.DataFrame, domain: Domain) -> tuple[pd.DataFrame, Domain, dict[str, ListDomain]]:
    """A list column with more combinations than a synthesizer's domain holds (HTCDS's 16 methods of
    control: 65,535) becomes one 0/1 column per declared label, synthesized like CTDC's flag columns; the
    labels are public, so this spends nothing. A list too long even for that is refused."""
    lists = {
        str(c): d
        for c in data.columns
        if isinstance(d := domain.columns[str(c)], ListDomain) and d.size() + 1 > MAX_DOMAIN_VALUES
    }
    if not lists:
        return data, domain, {}
    columns: dict[str, Any] = dict(domain.columns)
    out: dict[str, Any] = {}
    for column in data.columns:
        name = str(column)
        if name not in lists:
            out[name] = data[column]
            continue
        listed = lists[name]
        if len(listed.labels) > MAX_LIST_LABELS:
            raise InputError(
                f"column {name!r} lists {len(listed.labels)} declared labels; synthesis handles at most "
                f"{MAX_LIST_LABELS}: leave it out, or declare it with one value per record in a domain file (for "
                'a country: {"standard": "ISO 3166-1"}; a list of several becomes unknown)'
            )
        parsed = [set(listed.parse(v) or ()) if isinstance(v, str) else set() for v in data[column].tolist()]
        for label in listed.labels:
            flag = f"{name}{FLAG_SEPARATOR}{label}"
            out[flag] = pd.Series(["1" if label in p else "0" for p in parsed], index=data.index, dtype=object)
            columns[flag] = FLAG
    expanded = pd.DataFrame(out, index=data.index)
    expanded.attrs = dict(data.attrs)
    return expanded, Domain(columns, domain.source), lists


def join_lists(drawn: pd.DataFrame, lists: Mapping[str, ListDomain]) -> pd.DataFrame:
    """The list columns again, from their drawn flags, in their declared order and place."""
    if not lists:
        return drawn
    out: dict[str, Any] = {}
    for column in drawn.columns:
        name = str(column)
        base, sep, _label = name.partition(FLAG_SEPARATOR)
        if not sep:
            out[name] = drawn[column]
        elif base not in out:
            listed = lists[base]
            flags = [drawn[f"{base}{FLAG_SEPARATOR}{lab}"].astype(str).to_numpy() == "1" for lab in listed.labels]
            out[base] = pd.Series(
                [listed.separator.join(lab for lab, on in zip(listed.labels, row, strict=True) if on) or None
                 for row in zip(*flags, strict=True)],
                index=drawn.index, dtype=object,
            )  # fmt: skip
    return pd.DataFrame(out, index=drawn.index)


def pacsynth(
    data: pd.DataFrame, epsilon: float, delta: float, rows: int | None, reporting_length: int
) -> pd.DataFrame:
    """CTDC's method: SDS DP aggregate-seeded synthesis (zeros are values here, not absences)."""
    import pacsynth as sds

    with _spending(0.0):
        columns = [str(c) for c in data.columns]
        cells = data.fillna("").astype(str).to_numpy().tolist()
        dataset = sds.Dataset([columns, *cells], sensitive_zeros=columns)
        builder = sds.DpAggregateSeededParametersBuilder().reporting_length(reporting_length)
        builder = builder.number_of_records_epsilon_proportion(PACSYNTH_COUNT_SHARE)
        params = builder.epsilon(epsilon).delta(delta).build()
        synthesizer = sds.DpAggregateSeededSynthesizer(params)
    try:
        synthesizer.fit(dataset)
    except BaseException as exc:  # pac-synth's Rust panics derive from BaseException, not Exception
        if type(exc).__name__ != "PanicException":
            raise
        # the count of records is measured first: refused there, only its share was spent; any other
        # panic (after the aggregates were measured, or unknown) leaves all of epsilon spent
        count = PACSYNTH_COUNT_PANIC in str(exc)
        raise PacSynthRefused(
            f"pac-synth refused the table ({str(exc)[:120]}): with {len(cells)} records, the noise on the count "
            f"of records at epsilon {epsilon} can exceed it; use more records or a larger epsilon",
            epsilon_spent=PACSYNTH_COUNT_SHARE * epsilon if count else epsilon,
        ) from None
    raw = synthesizer.sample(rows or max(1, int(synthesizer.get_dp_number_of_records())))
    out = pd.DataFrame(raw[1:], columns=raw[0])[columns]
    return out.replace({"": None}).astype(object)
