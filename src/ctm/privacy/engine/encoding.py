"""Integer encoding of categorical tables (missing is a category of its own, the empty string)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.int64]
MISSING = ""


@dataclass(frozen=True)
class Encoded:
    """Columns as integer codes; ``labels[c][code]`` is the original string ("" for missing)."""

    columns: tuple[str, ...]
    codes: dict[str, IntArray]
    labels: dict[str, tuple[str, ...]]

    @property
    def sizes(self) -> dict[str, int]:
        return {c: len(self.labels[c]) for c in self.columns}

    @property
    def rows(self) -> int:
        return len(self.codes[self.columns[0]]) if self.columns else 0


def encode(frame: pd.DataFrame, columns: Sequence[str]) -> Encoded:
    codes, labels = {}, {}
    for column in columns:
        code, uniques = pd.factorize(frame[column].fillna(MISSING).astype(str), sort=True)
        codes[column] = code.astype(np.int64)
        labels[column] = tuple(str(u) for u in uniques) or (MISSING,)
    return Encoded(tuple(columns), codes, labels)


def encode_with(frame: pd.DataFrame, labels: Mapping[str, Sequence[str]]) -> Encoded:
    """Codes in a declared label space (missing first); a value outside it is an error, never a new code."""
    codes, spaces = {}, {}
    for column, values in labels.items():
        space = (MISSING, *[v for v in values if v != MISSING])
        index = {label: i for i, label in enumerate(space)}
        mapped = frame[column].fillna(MISSING).astype(str).map(index)
        if mapped.isna().any():
            raise ValueError(f"column {column!r} holds values outside its declared domain")
        codes[column], spaces[column] = mapped.to_numpy(dtype=np.int64), space
    return Encoded(tuple(labels), codes, spaces)


def encode_like(frame: pd.DataFrame, reference: Encoded) -> dict[str, IntArray]:
    """Codes of ``frame`` in the label space of ``reference``; unknown values get code -1."""
    out = {}
    for column in reference.columns:
        index = {label: i for i, label in enumerate(reference.labels[column])}
        values = frame[column].fillna(MISSING).astype(str)
        out[column] = values.map(index).fillna(-1).to_numpy(dtype=np.int64)
    return out


def decode(codes: dict[str, IntArray], reference: Encoded) -> pd.DataFrame:
    data = {}
    for column in reference.columns:
        labels = np.array(reference.labels[column], dtype=object)
        values = labels[np.asarray(codes[column], dtype=np.int64)]
        data[column] = pd.Series(values, dtype=object).replace({MISSING: None})
    return pd.DataFrame(data)
