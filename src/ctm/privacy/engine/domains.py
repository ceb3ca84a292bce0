"""Public domains: the values each column may take, declared before any record is read.

A differentially private release may only learn from the data what its noisy measurements tell it:
a category list taken from the data (``pd.factorize``) would publish every rare value, such as the one
person of a nationality. So every column's domain comes from a declaration, never from the data:

- ``Categorical``: a code list (``["Female", "Male", ...]``); matched ignoring case, spaces and ``_``;
- ``Bounds``: integers from ``low`` to ``high`` (a year), each a category;
- ``Bins``: numbers cut at declared edges, labelled ``[a, b)``;
- ``ListDomain``: ``;``-joined lists of declared labels, written in the declared label order (the
  domain is every non-empty combination of labels).

Values outside the domain are mapped to the domain's unknown code (missing unless declared) before any
measurement; ``Domain.apply`` returns how many values each column had mapped, for the release report.

A domain file (``--domain FILE``) is JSON: ``{"column": [values...]}`` or
``{"column": {"values": [...], "unknown": "Other"}}``, ``{"column": {"bounds": [2000, 2030]}}``,
``{"column": {"bins": [0, 18, 30, 120]}}``, ``{"column": {"labels": [...], "separator": ";"}}``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from .io import InputError

_NOISE = re.compile(r"[\s_]+")
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


def match_key(value: str) -> str:
    """How a value is compared with a declared code: case, spaces and underscores ignored."""
    return _NOISE.sub("", value).lower()


class ColumnDomain(Protocol):
    @property
    def unknown(self) -> str | None:
        """The code a value outside the domain becomes (None: missing)."""

    def canonical(self, value: str) -> str | None:
        """The declared code of ``value``, or None when it lies outside the domain."""

    def values(self, limit: int) -> tuple[str, ...]:
        """Every code of the domain (InputError past ``limit``)."""

    def describe(self) -> dict[str, Any]:
        """The declaration, as JSON."""

    def size(self) -> int:
        """How many codes the domain has (the unknown code aside)."""


@dataclass(frozen=True)
class Categorical:
    codes: tuple[str, ...]
    unknown: str | None = None

    def canonical(self, value: str) -> str | None:
        return _lookup(self.codes).get(match_key(value))

    def values(self, limit: int) -> tuple[str, ...]:
        return self.codes

    def describe(self) -> dict[str, Any]:
        return {"values": list(self.codes), "unknown": self.unknown}

    def size(self) -> int:
        return len(self.codes)


_LOOKUPS: dict[tuple[str, ...], dict[str, str]] = {}


def _lookup(codes: tuple[str, ...]) -> dict[str, str]:
    found = _LOOKUPS.get(codes)
    if found is None:
        found = _LOOKUPS[codes] = {match_key(c): c for c in codes}
    return found


@dataclass(frozen=True)
class Bounds:
    low: int
    high: int
    unknown: str | None = None

    def canonical(self, value: str) -> str | None:
        if not _NUMBER.match(value):
            return None
        number = float(value)
        if number != int(number) or not self.low <= number <= self.high:
            return None
        return str(int(number))

    def values(self, limit: int) -> tuple[str, ...]:
        return tuple(str(v) for v in range(self.low, self.high + 1))

    def describe(self) -> dict[str, Any]:
        return {"bounds": [self.low, self.high], "unknown": self.unknown}

    def size(self) -> int:
        return self.high - self.low + 1


@dataclass(frozen=True)
class Bins:
    edges: tuple[float, ...]
    unknown: str | None = None

    def canonical(self, value: str) -> str | None:
        if not _NUMBER.match(value):
            return None
        number = float(value)
        for low, high in itertools.pairwise(self.edges):
            if low <= number < high:
                return _bin_label(low, high)
        return None

    def values(self, limit: int) -> tuple[str, ...]:
        return tuple(_bin_label(low, high) for low, high in itertools.pairwise(self.edges))

    def describe(self) -> dict[str, Any]:
        return {"bins": list(self.edges), "unknown": self.unknown}

    def size(self) -> int:
        return len(self.edges) - 1


def _bin_label(low: float, high: float) -> str:
    def text(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else f"{x:g}"

    return f"[{text(low)}, {text(high)})"


@dataclass(frozen=True)
class ListDomain:
    """A ``;``-joined list of declared labels (CTDC's "Concatenated" columns), in declared order."""

    labels: tuple[str, ...]
    separator: str = ";"
    unknown: str | None = None

    def parse(self, value: str) -> list[str] | None:
        """The declared labels of a list, in declared order (None if one is not declared)."""
        lookup = _lookup(self.labels)
        found = set()
        for piece in value.split(";"):
            if piece.strip():
                label = lookup.get(match_key(piece))
                if label is None:
                    return None
                found.add(label)
        return [label for label in self.labels if label in found] or None

    def canonical(self, value: str) -> str | None:
        labels = self.parse(value)
        return None if labels is None else self.separator.join(labels)

    def values(self, limit: int) -> tuple[str, ...]:
        count = 2 ** len(self.labels) - 1
        if count > limit:
            raise InputError(
                f"a list of {len(self.labels)} labels has {count:,} combinations, too many to synthesize "
                f"(at most {limit}): release its flag columns instead"
            )
        combos = itertools.chain.from_iterable(
            itertools.combinations(self.labels, size) for size in range(1, len(self.labels) + 1)
        )
        return tuple(self.separator.join(c) for c in combos)

    def describe(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "separator": self.separator, "unknown": self.unknown}

    def size(self) -> int:
        return int(2 ** len(self.labels) - 1)


@dataclass(frozen=True)
class Domain:
    """The public domain of every column of a release, and where it was declared."""

    columns: Mapping[str, ColumnDomain]
    source: str

    def require(self, columns: Sequence[str]) -> None:
        missing = [c for c in columns if c not in self.columns]
        if missing:
            raise InputError(
                f"no public domain declared for column(s) {', '.join(missing)} (in the {self.source}): "
                "declare them in the domain file (--domain FILE) or leave them out"
            )

    def apply(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
        """``frame`` with every value in its declared code, others mapped to the unknown code; the
        number of values mapped per column."""
        self.require(list(frame.columns))
        out, mapped = {}, {}
        for column in frame.columns:
            out[column], mapped[str(column)] = _map_column(frame[column], self.columns[str(column)])
        result = pd.DataFrame(out, index=frame.index)
        result.attrs = dict(frame.attrs)
        return result, mapped

    def labels(self, column: str, limit: int) -> tuple[str, ...]:
        """The codes a synthesizer may draw for ``column``: the declared values and the unknown code."""
        domain = self.columns[column]
        values = domain.values(limit)
        if domain.unknown is not None and domain.unknown not in values:
            values = (*values, domain.unknown)
        if len(values) > limit:
            raise InputError(
                f"the domain of column {column!r} has {len(values)} values; synthesis needs at most {limit}: "
                "declare coarser bins or leave it out"
            )
        return values

    def size(self, column: str) -> int:
        """The number of codes a column may take (its unknown code included, missing aside)."""
        domain = self.columns[column]
        declared = domain.size()
        return declared + (domain.unknown is not None and domain.canonical(domain.unknown) is None)

    def describe(self, columns: Sequence[str]) -> dict[str, Any]:
        return {"source": self.source, "columns": {c: self.columns[c].describe() for c in columns}}


def _map_column(series: pd.Series, domain: ColumnDomain) -> tuple[pd.Series, int]:
    cache: dict[str, str | None] = {}
    values: list[str | None] = []
    mapped = 0
    for value in series.tolist():
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            values.append(None)
            continue
        text = str(value).strip()
        if text not in cache:
            cache[text] = domain.canonical(text) if text else None
        code = cache[text]
        if code is None and text:
            mapped += 1
            code = domain.unknown
        values.append(code)
    return pd.Series(values, index=series.index, dtype=object, name=series.name), mapped


def parse_domain(data: Mapping[str, Any], source: str = "domain file") -> Domain:
    """A domain from its JSON declaration (see the module's docstring)."""
    if not isinstance(data, Mapping) or not data:
        raise InputError("a domain file is a JSON object: column -> allowed values, or bins / bounds / labels")
    return Domain({str(k): _column(str(k), v) for k, v in data.items()}, source)


def _column(name: str, spec: Any) -> ColumnDomain:
    if isinstance(spec, list):
        spec = {"values": spec}
    if not isinstance(spec, Mapping):
        raise InputError(f"domain of {name!r}: a list of values or an object with values, bins, bounds or labels")
    unknown = spec.get("unknown")
    unknown = None if unknown in (None, "") else str(unknown)
    try:
        if "values" in spec:
            codes = tuple(dict.fromkeys(str(v) for v in spec["values"] if str(v).strip()))
            return Categorical(codes or _empty(name), unknown)
        if "bounds" in spec:
            low, high = (int(v) for v in spec["bounds"])
            return Bounds(low, high, unknown) if low <= high else _empty(name)
        if "bins" in spec:
            edges = tuple(float(v) for v in spec["bins"])
            return Bins(edges, unknown) if len(edges) >= 2 and list(edges) == sorted(set(edges)) else _empty(name)
        if "labels" in spec:
            labels = tuple(dict.fromkeys(str(v) for v in spec["labels"] if str(v).strip()))
            return ListDomain(labels or _empty(name), str(spec.get("separator", ";")), unknown)
    except (TypeError, ValueError) as exc:
        raise InputError(f"domain of {name!r}: {exc}") from exc
    raise InputError(f"domain of {name!r}: give values, bounds [low, high], bins [edges...] or labels")


def _empty(name: str) -> Any:
    raise InputError(f"domain of {name!r} is empty or not in increasing order")


def read_domain(path: str | Path) -> Domain:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"domain file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"domain file {path.name} is not valid JSON: {exc}".splitlines()[0]) from exc
    return parse_domain(data, f"domain file {path.name}")
