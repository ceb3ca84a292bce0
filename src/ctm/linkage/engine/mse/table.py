"""The capture-history table: one count per combination of lists (the all-zero history is unobserved)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

MAX_LISTS = 12
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class MSEInputError(ValueError):
    """The table cannot be used for an estimate; the message says why in one line."""


@dataclass(frozen=True)
class CaptureTable:
    """Counts for every capture history 1 .. 2**m - 1; bit i of a history is list i."""

    lists: tuple[str, ...]
    counts: IntArray
    warnings: tuple[str, ...] = field(default=())

    @property
    def m(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    def with_counts(self, counts: IntArray) -> CaptureTable:
        return CaptureTable(self.lists, counts, self.warnings)

    def list_totals(self) -> IntArray:
        bits = history_bits(self.m)
        return np.asarray(bits.T @ self.counts, dtype=np.int64)

    def to_frame(self, include_zero: bool = False) -> pd.DataFrame:
        bits = history_bits(self.m)
        frame = pd.DataFrame(bits, columns=list(self.lists))
        frame["count"] = self.counts
        return frame if include_zero else frame[frame["count"] > 0].reset_index(drop=True)


def history_bits(m: int) -> IntArray:
    """Matrix (2**m - 1) x m of 0/1: row h-1 is capture history h."""
    histories = np.arange(1, 2**m, dtype=np.int64)
    return np.asarray((histories[:, None] >> np.arange(m)) & 1, dtype=np.int64)


def table_from_frame(frame: pd.DataFrame) -> CaptureTable:
    """Validate an overlap table (one 0/1 column per list and `count`) and tidy it."""
    columns = [str(c).strip() for c in frame.columns]
    frame = frame.set_axis(columns, axis=1)
    if "count" not in columns:
        raise MSEInputError("the table has no 'count' column")
    lists = [c for c in columns if c != "count"]
    _check_list_names(lists)
    if frame.empty:
        raise MSEInputError("the table has no rows")
    bits = _as_binary(frame[lists])
    counts = _as_counts(frame["count"])
    if (bits.sum(axis=1) == 0).any():
        raise MSEInputError("the table has an all-zero row (people on no list cannot be observed)")
    histories = bits @ (1 << np.arange(len(lists), dtype=np.int64))
    full = np.zeros(2 ** len(lists) - 1, dtype=np.int64)
    np.add.at(full, histories - 1, counts)
    notes = []
    if len(np.unique(histories)) < len(histories):
        notes.append("repeated capture histories were added together")
    return CaptureTable(tuple(lists), full, tuple(notes))


def _check_list_names(lists: list[str]) -> None:
    if len(lists) < 2:
        raise MSEInputError("at least two list columns are needed besides 'count'")
    if len(lists) > MAX_LISTS:
        raise MSEInputError(f"{len(lists)} lists: at most {MAX_LISTS} are supported")
    if len(set(lists)) < len(lists) or any(not name or ":" in name for name in lists):
        raise MSEInputError("list column names must be distinct, non-empty and without ':'")


def _as_binary(part: pd.DataFrame) -> IntArray:
    values = part.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any() or not np.isin(values, (0.0, 1.0)).all():
        raise MSEInputError("list columns must hold only 0 or 1")
    return np.asarray(values, dtype=np.int64)


def _as_counts(column: pd.Series) -> IntArray:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any() or not np.isfinite(values).all():
        raise MSEInputError("'count' must hold whole numbers")
    if (values < 0).any():
        raise MSEInputError("'count' must not be negative")
    if (values != np.round(values)).any():
        raise MSEInputError("'count' must hold whole numbers")
    return np.asarray(values, dtype=np.int64)


def tidy_lists(table: CaptureTable) -> tuple[CaptureTable, list[str]]:
    """Drop lists that carry no information (empty, holding everyone, duplicating another list)."""
    notes: list[str] = []
    keep: list[int] = []
    bits = history_bits(table.m)
    totals = table.list_totals()
    positive = table.counts > 0
    seen: dict[bytes, str] = {}
    for i, name in enumerate(table.lists):
        pattern = (bits[positive, i]).astype(np.int8).tobytes()
        if totals[i] == 0:
            notes.append(f"list {name} is empty and was left out")
        elif totals[i] == table.observed:
            notes.append(f"list {name} holds every observed person and was left out (it says nothing "
                         "about people it missed)")
        elif pattern in seen:
            notes.append(f"list {name} holds exactly the same people as {seen[pattern]} and was left out")
        else:
            seen[pattern] = name
            keep.append(i)
    if len(keep) == table.m:
        return table, notes
    return collapse(table, keep), notes


def collapse(table: CaptureTable, keep: list[int]) -> CaptureTable:
    """The table over a subset of lists; people on none of them are dropped."""
    bits = history_bits(table.m)[:, keep]
    histories = bits @ (1 << np.arange(len(keep), dtype=np.int64))
    full = np.zeros(max(2 ** len(keep) - 1, 0), dtype=np.int64)
    seen = histories > 0
    np.add.at(full, histories[seen] - 1, table.counts[seen])
    return CaptureTable(tuple(table.lists[i] for i in keep), full, table.warnings)
