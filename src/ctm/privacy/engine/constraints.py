"""Logical constraints of a record, declared once (public knowledge: no privacy budget is spent on them).

A synthesizer that draws every column from noisy marginals can draw impossible records ("Adult" aged
0--8). Columns that are functions of others are therefore derived after synthesis, from the columns
they summarize, and the other constraints are enforced the same way (post-processing: the privacy
guarantee is unchanged). ``check`` counts the violations of any table, real or released.

- ``DerivedMajority``: majority status from the age band (Minor up to 17, Adult from 18); where the
  age band is unknown the synthesized status stays.
- ``MinorStaysMinor``: a person who is a minor at registration was a minor when exploited.
- ``ListFlags``: a ``;``-joined list and the 0/1 flags that summarize it: a listed label's flag is
  1, an unlisted label's flag is not 1 (where the list is known).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from .domains import ListDomain
from .hierarchies import parse_age

BoolArray = npt.NDArray[np.bool_]


class Constraint(Protocol):
    @property
    def name(self) -> str:
        """A code ("derived_majority", "list_flags:COLUMN"): the platform words it in the reader's language."""

    def applies(self, columns: Sequence[str]) -> bool: ...

    def violations(self, frame: pd.DataFrame) -> BoolArray: ...

    def enforce(self, frame: pd.DataFrame) -> pd.DataFrame: ...


def _majority(age: Any) -> str | None:
    if not isinstance(age, str):
        return None
    parsed = parse_age(age)
    if parsed is None:
        return None
    if parsed[1] <= 17:
        return "Minor"
    return "Adult" if parsed[0] >= 18 else None


@dataclass(frozen=True)
class DerivedMajority:
    age: str = "ageBroad"
    status: str = "majorityStatus"
    name: str = "derived_majority"

    def applies(self, columns: Sequence[str]) -> bool:
        return self.age in columns and self.status in columns

    def _expected(self, frame: pd.DataFrame) -> pd.Series:
        return frame[self.age].map(_majority)

    def violations(self, frame: pd.DataFrame) -> BoolArray:
        expected, actual = self._expected(frame), frame[self.status]
        known = expected.notna() & actual.isin(["Minor", "Adult"])
        return np.asarray(known & (expected != actual), dtype=bool)

    def enforce(self, frame: pd.DataFrame) -> pd.DataFrame:
        expected = self._expected(frame)
        frame[self.status] = expected.where(expected.notna(), frame[self.status]).astype(object)
        return frame


@dataclass(frozen=True)
class MinorStaysMinor:
    registration: str = "majorityStatus"
    exploitation: str = "majorityStatusAtExploit"
    name: str = "minor_stays_minor"

    def applies(self, columns: Sequence[str]) -> bool:
        return self.registration in columns and self.exploitation in columns

    def violations(self, frame: pd.DataFrame) -> BoolArray:
        return np.asarray((frame[self.registration] == "Minor") & (frame[self.exploitation] == "Adult"), dtype=bool)

    def enforce(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[self.violations(frame), self.exploitation] = "Minor"
        return frame


@dataclass(frozen=True)
class ListFlags:
    column: str
    domain: ListDomain
    flags: tuple[str, ...]  # one flag column per label of the domain, in its order

    @property
    def name(self) -> str:
        return f"list_flags:{self.column}"

    def applies(self, columns: Sequence[str]) -> bool:
        return self.column in columns and any(f in columns for f in self.flags)

    def _listed(self, frame: pd.DataFrame) -> tuple[pd.Series, dict[str, pd.Series]]:
        """Which rows' lists parse (`known`) and, per flag column, whether its label is listed. Each
        distinct list is parsed once (a column of 97,750 CTDC rows holds a few hundred), then looked
        up per row; a value that is not a string (missing) is neither known nor listed."""
        codes, distinct = pd.factorize(frame[self.column])  # a missing value's code is -1
        parsed = [self.domain.parse(v) if isinstance(v, str) else None for v in distinct]

        def per_row(each: list[bool]) -> pd.Series:  # one answer per distinct value, then -1's: False
            return pd.Series(np.array([*each, False], dtype=bool)[codes], index=frame.index)

        known = per_row([labels is not None for labels in parsed])
        listed = {
            flag: per_row([labels is not None and label in labels for labels in parsed])
            for flag, label in zip(self.flags, self.domain.labels, strict=True)
            if flag in frame.columns
        }
        return known, listed

    def violations(self, frame: pd.DataFrame) -> BoolArray:
        known, listed = self._listed(frame)
        bad = pd.Series(False, index=frame.index)
        for flag, is_listed in listed.items():
            bad |= known & (is_listed != (frame[flag] == "1"))
        return np.asarray(bad, dtype=bool)

    def enforce(self, frame: pd.DataFrame) -> pd.DataFrame:
        known, listed = self._listed(frame)
        for flag, is_listed in listed.items():
            frame.loc[known & is_listed, flag] = "1"
            frame.loc[known & ~is_listed & (frame[flag] == "1"), flag] = "0"
        return frame


def applicable(constraints: Sequence[Constraint], columns: Sequence[str]) -> list[Constraint]:
    return [c for c in constraints if c.applies(columns)]


def enforce(frame: pd.DataFrame, constraints: Sequence[Constraint]) -> tuple[pd.DataFrame, int]:
    """``frame`` with every applicable constraint enforced, and how many rows had to change."""
    out = frame.copy()
    rules = applicable(constraints, list(frame.columns))
    for rule in rules:
        out = rule.enforce(out)
    changed = ~(out.fillna("\0") == frame.fillna("\0")).all(axis=1)
    return out, int(changed.sum())


def check(frame: pd.DataFrame, constraints: Sequence[Constraint]) -> dict[str, int]:
    """Rows violating each applicable constraint."""
    return {c.name: int(c.violations(frame).sum()) for c in applicable(constraints, list(frame.columns))}
