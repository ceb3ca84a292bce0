"""k-anonymous release of a table: ``anonymize(frame, config) -> (released frame, report)``.

The config and the report are plain JSON-serialisable data, so that a release can be stored,
reviewed and reproduced by the platform.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import codebook
from . import constraints as rules
from . import hierarchies as hier
from .io import InputError
from .lattice import Criteria, FrequencySet, LatticeSearch, Progress, SearchResult, dense_ids, frequency_set
from .measures import information_loss, privacy_measures
from .public import resolve_domain, standard_for
from .risk import class_sizes_of_codes, reidentification_risk, special_uniques_of_codes


@dataclass(frozen=True)
class AnonymizeConfig:
    """Parameters of a k-anonymous release, under the command line's option names."""

    k: int
    qi: list[str]
    sensitive: str | None = None
    l: float | None = None  # noqa: E741 - the literature's name for the l of l-diversity
    l_variant: str = "distinct"
    t: float | None = None
    suppression_limit: float = 0.05
    metric: str = "entropy"
    hierarchy: dict[str, str] = field(default_factory=dict)  # column -> built-in kind or CSV path
    risk_threshold: float = 0.1
    sampling_fraction: float = 1.0
    suda_max_size: int = 2
    # as in SynthesizeConfig: "ctdc", a domain declaration, or None (the CTDC codebook for CTDC columns,
    # else the values as recorded: k-anonymity does not rest on public domains)
    domain: str | dict[str, Any] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnonymizeConfig:
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown anonymize parameter(s): {', '.join(unknown)}")
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def validate(self, columns: Sequence[str]) -> None:
        if self.k < 1:
            raise InputError(f"k must be at least 1 (got {self.k})")
        if not self.qi:
            raise InputError("at least one quasi-identifier (--qi) is needed")
        if not 0.0 <= self.suppression_limit <= 1.0:
            raise InputError(f"suppression limit must be between 0 and 1 (got {self.suppression_limit})")
        if (self.l is not None or self.t is not None) and self.sensitive is None:
            raise InputError("l-diversity and t-closeness need a sensitive column (--sensitive)")
        if self.l is not None and self.l < 1:
            raise InputError(f"l must be at least 1 (got {self.l})")
        if self.t is not None and not 0.0 <= self.t <= 1.0:
            raise InputError(f"t must be between 0 and 1 (got {self.t})")
        if self.l_variant not in {"distinct", "entropy"}:
            raise InputError(f"unknown l-diversity variant {self.l_variant!r} (distinct, entropy)")
        if not 0.0 < self.sampling_fraction <= 1.0:
            raise InputError("sampling fraction must be in (0, 1]")
        wanted = [*self.qi, *([self.sensitive] if self.sensitive else []), *self.hierarchy]
        require_columns(columns, wanted)
        if self.sensitive in self.qi:
            raise InputError(f"column {self.sensitive!r} cannot be both quasi-identifier and sensitive")

    def criteria(self) -> Criteria:
        return Criteria(self.k, self.l, self.l_variant, self.t, self.suppression_limit)


def require_columns(columns: Sequence[str], wanted: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise InputError(f"unknown column(s): {', '.join(missing)} (have: {', '.join(list(columns)[:12])}...)")


def build_hierarchies(frame: pd.DataFrame, config: AnonymizeConfig) -> list[hier.Hierarchy]:
    """One hierarchy per quasi-identifier: custom CSV, a named kind, or the kind that fits the column."""
    out = []
    for column in config.qi:
        values = sorted(frame[column].dropna().unique().tolist())
        spec = config.hierarchy.get(column)
        if spec is not None and spec.lower().endswith(".csv"):
            out.append(hier.read_hierarchy_csv(spec, values))
        else:
            out.append(hier.build(spec or hier.guess_kind(column, values), values))
    return out


def anonymize(
    frame: pd.DataFrame, config: AnonymizeConfig | Mapping[str, Any], progress: Progress | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Generalize and suppress ``frame`` to meet ``config``; the release and its report."""
    if not isinstance(config, AnonymizeConfig):
        config = AnonymizeConfig.from_dict(config)
    config.validate(list(frame.columns))
    started = time.perf_counter()
    frame, domain = _in_domain(frame, config)
    hierarchies = build_hierarchies(frame, config)
    freq = frequency_set(frame, config.qi, hierarchies, config.sensitive)
    found = LatticeSearch(freq, config.criteria(), config.metric).run(progress)
    suppressed = found.result.suppressed_rows[freq.record_row]
    released = apply_node(frame, config.qi, hierarchies, freq.record_codes, found.node, suppressed)
    report = _report(frame, released, suppressed, config, hierarchies, freq, found)
    report["utility"] = marginal_tvd(frame, released, suppressed, dict(zip(config.qi, hierarchies, strict=True)),
                                     report["levels"])  # fmt: skip
    report["public_domain"] = domain
    report["constraints"] = {"violations": (found_rules := rules.check(released, codebook.CONSTRAINTS))}
    report["constraints"]["violations_total"] = int(sum(found_rules.values()))
    report["seconds"] = round(time.perf_counter() - started, 3)
    return released, report


def _in_domain(frame: pd.DataFrame, config: AnonymizeConfig) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The quasi-identifiers and the sensitive column in their declared codes (others as recorded)."""
    columns = [*config.qi, *([config.sensitive] if config.sensitive else [])]
    if config.domain is None and standard_for(columns) is None:
        return frame, {"source": "as recorded", "out_of_domain": {}, "out_of_domain_total": 0}
    domain = resolve_domain(config.domain, columns)
    mapped_frame, mapped = domain.apply(frame[columns])
    out = frame.copy()
    out[columns] = mapped_frame
    out.attrs = dict(frame.attrs)
    report = {"source": domain.source, "out_of_domain": mapped, "out_of_domain_total": int(sum(mapped.values()))}
    return out, report


def apply_node(
    frame: pd.DataFrame,
    qis: Sequence[str],
    hierarchies: Sequence[hier.Hierarchy],
    codes: Sequence[np.ndarray[Any, np.dtype[np.int64]]],
    node: Sequence[int],
    suppressed: np.ndarray[Any, np.dtype[np.bool_]],
) -> pd.DataFrame:
    """The generalized table: each quasi-identifier at its level, suppressed records' cells emptied.

    ``codes[q]`` indexes the sorted values of hierarchy q, the last code standing for missing."""
    out = frame.copy()
    for column, hierarchy, code, level in zip(qis, hierarchies, codes, node, strict=True):
        values = sorted(hierarchy.levels[0])
        labels = np.array([hierarchy.generalize(v, level) for v in [*values, None]], dtype=object)
        generalized = labels[code]
        generalized[suppressed] = None
        out[column] = pd.Series(generalized, index=out.index, dtype=object)
    out.attrs = dict(frame.attrs)
    return out


def _report(
    frame: pd.DataFrame,
    released: pd.DataFrame,
    suppressed: np.ndarray[Any, np.dtype[np.bool_]],
    config: AnonymizeConfig,
    hierarchies: Sequence[hier.Hierarchy],
    freq: FrequencySet,
    found: SearchResult,
) -> dict[str, Any]:
    report: dict[str, Any] = {"command": "anonymize", **config.to_dict()}
    report["notice"] = frame.attrs.get("notice")
    report["hierarchies"] = {c: h.to_json() for c, h in zip(config.qi, hierarchies, strict=True)}
    report["levels"] = dict(zip(config.qi, found.node, strict=True))
    after = [freq.level_codes[q][lvl][c][~suppressed] for q, (c, lvl) in enumerate(zip(freq.record_codes, found.node, strict=True))]
    ids = dense_ids(after, [int(c.max(initial=0)) + 1 for c in after])
    report["privacy"] = privacy_measures(released, config.qi, config.sensitive, suppressed, ids)
    report["information_loss"] = information_loss(freq, found.result)
    report["risk_before"] = _risk([(c, int(c.max(initial=0)) + 1) for c in freq.record_codes], config)
    report["risk_after"] = _risk([(c, int(c.max(initial=0)) + 1) for c in after], config)
    report["search"] = {
        "lattice_size": found.lattice_size, "nodes_evaluated": found.evaluated,
        "nodes_pruned": found.pruned, "optimized_metric": config.metric, "loss": found.loss,
    }
    return report


def _risk(codes: list[tuple[np.ndarray[Any, np.dtype[np.int64]], int]], config: AnonymizeConfig) -> dict[str, Any]:
    """Risk measures from integer-coded quasi-identifiers (one array per column, missing a code)."""
    risk = reidentification_risk(class_sizes_of_codes(codes), config.risk_threshold, config.sampling_fraction)
    risk["special_uniques"] = special_uniques_of_codes(codes, config.suda_max_size)
    return risk


def _counts(values: pd.Series) -> dict[Any, int]:
    clean = values.astype(object).where(values.notna(), None)
    return {k: int(v) for k, v in clean.value_counts(dropna=False).items()}


def _distance(p: Mapping[Any, float], q: Mapping[Any, float]) -> float:
    """Total variation distance between two distributions given as counts (half the L1 of the shares)."""
    np_, nq = sum(p.values()) or 1.0, sum(q.values()) or 1.0
    return 0.5 * float(sum(abs(p.get(k, 0.0) / np_ - q.get(k, 0.0) / nq) for k in set(p) | set(q)))


def marginal_tvd(
    real: pd.DataFrame,
    released: pd.DataFrame,
    suppressed: np.ndarray[Any, np.dtype[np.bool_]],
    hierarchies: Mapping[str, hier.Hierarchy],
    levels: Mapping[str, int],
) -> dict[str, Any]:
    """Per released column, the total variation distance between the real values and what an analyst reads
    back from the release: a generalized label's records spread evenly over the real values it covers, a
    suppressed record's over every value of the column (missing included). 0: the column's distribution is
    kept; 1: nothing of it is. Computed on the real records without noise (the reviewers' report only)."""
    by_column: dict[str, float] = {}
    for column in released.columns:
        name = str(column)
        real_counts = {k: float(v) for k, v in _counts(real[column]).items()}
        if name not in hierarchies:  # released as recorded
            by_column[name] = _distance(real_counts, {k: float(v) for k, v in _counts(released[column]).items()})
            continue
        hierarchy, level = hierarchies[name], int(levels[name])
        base: list[str | None] = [*sorted(hierarchy.levels[0]), None]
        groups: dict[str | None, list[str | None]] = {}
        for value in base:
            groups.setdefault(hierarchy.generalize(value, level), []).append(value)
        read_back: dict[Any, float] = dict.fromkeys(base, 0.0)
        for label, n in _counts(released[column][~suppressed]).items():
            members = groups.get(label, base)
            for value in members:
                read_back[value] += n / len(members)
        for value in base:
            read_back[value] += float(suppressed.sum()) / len(base)
        by_column[name] = _distance(real_counts, read_back)
    values = list(by_column.values())
    return {
        "tvd_1way_by_column": {c: round(v, 6) for c, v in by_column.items()},
        "tvd_1way": {"mean": float(np.mean(values)) if values else 0.0, "max": max(values, default=0.0),
                     "marginals": len(values)},
    }  # fmt: skip
