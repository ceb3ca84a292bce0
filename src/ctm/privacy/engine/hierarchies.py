"""Generalization hierarchies for quasi-identifiers.

A hierarchy maps every value of a column to a label at each level: level 0 is the value itself and
the top level is ``*`` (the value says nothing). Built-in kinds:

- ``age``: years or bands (``18--20``, ``48+``) -> CTDC bands -> wider bands (``18--29``) ->
  ``Minor`` / ``Adult`` -> ``*``;
- ``country``: ISO alpha-2, alpha-3 or short name -> UN M49 sub-region (``Eastern Europe``) -> UN
  region (``Europe``) -> ``*``, from the table shipped with the ``country-converter`` package;
- ``year``: year -> five-year period (``2015--2019``) -> decade (``2010--2019``) -> ``*``;
- ``flag``: 0/1 -> ``*`` (any);
- ``categorical``: value -> ``*``;
- custom: a CSV whose rows are ``value,level1,level2,...`` (ARX's format), see ``read_hierarchy_csv``.

A missing value stays missing below the top level and becomes ``*`` at the top.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from .io import InputError, sniff_delimiter

TOP = "*"
Label = Callable[[str], str]

CTDC_AGE_BANDS: tuple[tuple[int, float], ...] = (
    (0, 8), (9, 17), (18, 20), (21, 23), (24, 26), (27, 29), (30, 38), (39, 47), (48, math.inf),
)
WIDE_AGE_BANDS: tuple[tuple[int, float], ...] = ((0, 17), (18, 29), (30, 47), (48, math.inf))
FLAG_VALUES = frozenset({"0", "1", "true", "false", "yes", "no"})
_AGE_RANGE = re.compile(r"^\s*(\d+)\s*(?:--|-|–|to)\s*(\d+)\s*$")
_AGE_PLUS = re.compile(r"^\s*(\d+)\s*\+\s*$")
_INT = re.compile(r"^\s*-?\d+\s*$")


@dataclass(frozen=True)
class Hierarchy:
    """A column's generalization hierarchy: ``levels[i][value]`` is the label of ``value`` at level i."""

    kind: str
    levels: tuple[Mapping[str, str], ...]

    @property
    def height(self) -> int:
        """Number of levels, the value itself (level 0) included."""
        return len(self.levels)

    def generalize(self, value: str | None, level: int) -> str | None:
        if level >= self.height - 1:
            return TOP
        if value is None:
            return None
        return self.levels[level][value]

    def ancestors(self, value: str | None) -> list[str | None]:
        """The labels of ``value`` at every level, bottom to top."""
        return [self.generalize(value, level) for level in range(self.height)]

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "height": self.height}


def build(kind: str, values: Iterable[str]) -> Hierarchy:
    """A built-in hierarchy of ``kind`` over ``values`` (the distinct non-missing values of a column)."""
    builders: dict[str, Sequence[Label]] = {
        "age": (_age_band(CTDC_AGE_BANDS), _age_band(WIDE_AGE_BANDS), _minor_adult),
        "country": (_country_level("UNregion"), _country_level("continent")),
        "year": (_year_period(5), _year_period(10)),
        "flag": (),
        "categorical": (),
    }
    if kind not in builders:
        raise InputError(f"unknown hierarchy kind {kind!r} (age, country, year, flag, categorical)")
    return _from_labelers(kind, sorted(set(values)), builders[kind])


def _from_labelers(kind: str, values: list[str], labelers: Sequence[Label]) -> Hierarchy:
    levels: list[dict[str, str]] = [{v: v for v in values}]
    for labeler in labelers:
        level = {v: labeler(v) for v in values}
        level = {v: _keep_nested(levels[-1], level, v) for v in values}
        if level != levels[-1]:
            levels.append(level)
    levels.append(dict.fromkeys(values, TOP))
    return Hierarchy(kind, tuple(levels))


def _keep_nested(below: Mapping[str, str], level: Mapping[str, str], value: str) -> str:
    """A level must not split what the level below merged: if two values share a label below but not
    here, both go to ``*``."""
    siblings = [v for v, lab in below.items() if lab == below[value]]
    labels = {level[s] for s in siblings}
    return level[value] if len(labels) == 1 else TOP


def parse_age(value: str) -> tuple[int, float] | None:
    """(low, high) of an age or age band, or None."""
    if match := _AGE_RANGE.match(value):
        return int(match[1]), float(match[2])
    if match := _AGE_PLUS.match(value):
        return int(match[1]), math.inf
    if _INT.match(value):
        return int(value), float(value)
    return None


def _band_label(low: int, high: float) -> str:
    return f"{low}+" if math.isinf(high) else f"{low}--{int(high)}"


def _age_band(bands: Sequence[tuple[int, float]]) -> Label:
    def label(value: str) -> str:
        parsed = parse_age(value)
        if parsed is None:
            return TOP
        for low, high in bands:
            if low <= parsed[0] and parsed[1] <= high:
                return _band_label(low, high)
        return TOP

    return label


def _minor_adult(value: str) -> str:
    parsed = parse_age(value)
    if parsed is None:
        return TOP
    if parsed[1] <= 17:
        return "Minor"
    return "Adult" if parsed[0] >= 18 else TOP


def _year_period(width: int) -> Label:
    def label(value: str) -> str:
        if not _INT.match(value):
            return TOP
        start = int(value) // width * width
        return f"{start}--{start + width - 1}"

    return label


@lru_cache(maxsize=1)
def _country_table() -> dict[str, tuple[str, str]]:
    """ISO2, ISO3 and short name (upper case) -> (UN M49 sub-region, UN region), from country-converter."""
    source = resources.files("country_converter").joinpath("country_data.tsv")
    with resources.as_file(source) as path:
        data = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    table: dict[str, tuple[str, str]] = {}
    for row in data.itertuples(index=False):
        regions = (str(row.UNregion) or TOP, str(row.continent) or TOP)
        for key in (row.ISO2, row.ISO3, row.name_short):
            if key:
                table[str(key).upper()] = regions
    return table


def _country_level(column: str) -> Label:
    index = 0 if column == "UNregion" else 1

    def label(value: str) -> str:
        regions = _country_table().get(value.strip().upper())
        return regions[index] if regions else TOP

    return label


def is_country_like(values: Sequence[str]) -> bool:
    if not values:
        return False
    table = _country_table()
    known = sum(v.strip().upper() in table for v in values)
    return known >= 0.8 * len(values) and all(len(v) <= 60 for v in values)


def guess_kind(name: str, values: Sequence[str]) -> str:
    """The built-in hierarchy kind that fits a column, from its name and distinct values."""
    lowered = {v.lower() for v in values}
    if values and lowered <= FLAG_VALUES:
        return "flag"
    if "age" in name.lower() and values and _share(values, lambda v: parse_age(v) is not None) >= 0.5:
        return "age"
    if values and all(_INT.match(v) and 1900 <= int(v) <= 2100 for v in values):
        return "year"
    if is_country_like(values):
        return "country"
    return "categorical"


def _share(values: Sequence[str], test: Callable[[str], bool]) -> float:
    return sum(test(v) for v in values) / len(values)


def read_hierarchy_csv(path: str | Path, values: Iterable[str]) -> Hierarchy:
    """A custom hierarchy from a CSV file: one row per value, ``value,level1,level2,...`` (no header).

    A ``*`` top level is added when the file's last column is not all ``*``; every value of the column
    must appear in the file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"hierarchy file not found: {path}")
    text = path.read_text(encoding="utf-8-sig")
    rows = [[cell.strip() for cell in row] for row in csv.reader(text.splitlines(), delimiter=sniff_delimiter(text))]
    rows = [row for row in rows if row and row[0]]
    if not rows:
        raise InputError(f"hierarchy file is empty: {path.name}")
    table = {row[0]: row for row in rows}
    missing = sorted(set(values) - set(table))
    if missing:
        raise InputError(f"hierarchy {path.name} lacks values: {', '.join(missing[:5])}")
    depth = max(len(row) for row in rows)
    levels = [{v: _cell(table[v], i) for v in table} for i in range(depth)]
    if any(lab != TOP for lab in levels[-1].values()):
        levels.append(dict.fromkeys(table, TOP))
    return Hierarchy("custom", tuple(levels))


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) and row[index] else row[-1]
