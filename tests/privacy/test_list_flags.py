"""The flags derived from a ";"-joined list (ctm.privacy.engine.constraints.ListFlags) read each
distinct list once: the same violations and the same enforced flags as reading every row on its own
(the reference below, the way it was written first), on generated rows with every kind of value (a
list in another order, spelling or case, an undeclared label, empty, missing as None and as NaN, flag
columns present or not) and on the real CTDC file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ctm.privacy.engine.codebook import CONSTRAINTS, LISTS
from ctm.privacy.engine.constraints import ListFlags, enforce


def _reference(rule: ListFlags, frame: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """Every row parsed on its own: violations, and the frame with the flags enforced."""
    out = frame.copy()
    bad = np.zeros(len(frame), dtype=bool)
    for i, value in enumerate(frame[rule.column]):
        labels = rule.domain.parse(value) if isinstance(value, str) else None
        if labels is None:
            continue
        for flag, label in zip(rule.flags, rule.domain.labels, strict=True):
            if flag not in frame.columns:
                continue
            wanted = label in labels
            if wanted != (frame[flag].iat[i] == "1"):
                bad[i] = True
            at = (i, out.columns.get_loc(flag))
            if wanted:
                out.iat[at] = "1"
            elif out.iat[at] == "1":
                out.iat[at] = "0"
    return bad, out


def _rows(rule: ListFlags, n: int, seed: int, drop_flags: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = list(rule.domain.labels)
    values: list[object] = []
    for _ in range(n):
        kind = rng.integers(0, 8)
        picked = list(rng.choice(labels, size=int(rng.integers(1, 4)), replace=False))
        if kind == 0:
            values.append(None)
        elif kind == 1:
            values.append(np.nan)
        elif kind == 2:
            values.append("")
        elif kind == 3:
            values.append(";".join([*picked, "Not a declared label"]))
        elif kind == 4:
            values.append(" ; ".join(p.upper() for p in reversed(picked)))
        else:
            values.append(rule.domain.separator.join(picked))
    frame = pd.DataFrame({rule.column: pd.Series(values, dtype=object)})
    for flag in rule.flags[drop_flags:]:
        frame[flag] = rng.choice(["0", "1", None], n)
    return frame


@pytest.mark.parametrize("column", sorted(LISTS))
@pytest.mark.parametrize("seed", [1, 2])
def test_each_distinct_list_read_once_gives_what_each_row_read_alone_gives(column, seed):
    rule = next(c for c in CONSTRAINTS if isinstance(c, ListFlags) and c.column == column)
    frame = _rows(rule, 400, seed, drop_flags=seed - 1)  # seed 2: the first flag column absent
    bad, expected = _reference(rule, frame)
    assert bad.any() and not bad.all()  # the rows hold both kinds
    assert (rule.violations(frame) == bad).all()
    assert rule.enforce(frame.copy()).equals(expected)
    assert not rule.violations(expected).any()


def test_the_ctdc_file_enforced_as_row_by_row(ctdc_kanon_csv):
    frame = pd.read_csv(ctdc_kanon_csv, dtype=str, keep_default_na=False, sep=";").replace("", None)
    rules = [c for c in CONSTRAINTS if isinstance(c, ListFlags) and c.applies(list(frame.columns))]
    assert len(rules) == len(LISTS)
    sample = frame.sample(3000, random_state=5).reset_index(drop=True)
    for rule in rules:
        bad, expected = _reference(rule, sample)
        assert (rule.violations(sample) == bad).all()
        assert rule.enforce(sample.copy()).equals(expected)
    enforced, _changed = enforce(frame, CONSTRAINTS)
    assert all(not rule.violations(enforced).any() for rule in rules)
