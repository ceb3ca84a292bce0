"""Privacy-budget ledger: the epsilon spent on each source dataset, across releases.

The ledger is plain JSON, one entry per dataset (identified by the SHA-256 of its content):
``{"datasets": {ID: {"total_epsilon": E, "releases": [{"epsilon", "delta", "method", "at", ...}]}}}``.
A release that would take a dataset past its total epsilon is refused before any data are touched.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .io import InputError


class BudgetExceeded(InputError):
    """The release would spend more epsilon than the dataset has left."""


@dataclass
class Release:
    epsilon: float
    delta: float
    method: str
    rows: int
    at: str
    label: str = ""


@dataclass
class DatasetBudget:
    total_epsilon: float
    releases: list[Release] = field(default_factory=list)

    @property
    def spent(self) -> float:
        return sum(r.epsilon for r in self.releases)

    @property
    def remaining(self) -> float:
        return self.total_epsilon - self.spent


@dataclass
class Ledger:
    datasets: dict[str, DatasetBudget] = field(default_factory=dict)

    def budget(self, dataset_id: str, total_epsilon: float) -> DatasetBudget:
        """The dataset's budget; a dataset seen for the first time gets ``total_epsilon``."""
        if dataset_id not in self.datasets:
            self.datasets[dataset_id] = DatasetBudget(total_epsilon)
        return self.datasets[dataset_id]

    def check(self, dataset_id: str, epsilon: float, total_epsilon: float) -> None:
        budget = self.budget(dataset_id, total_epsilon)
        if epsilon > budget.remaining + 1e-12:
            raise BudgetExceeded(
                f"privacy budget exceeded: release needs epsilon={epsilon:g} but dataset {dataset_id[:12]} "
                f"has {budget.remaining:g} left of {budget.total_epsilon:g}"
            )

    def spend(self, dataset_id: str, release: Release, total_epsilon: float) -> DatasetBudget:
        self.check(dataset_id, release.epsilon, total_epsilon)
        budget = self.budget(dataset_id, total_epsilon)
        budget.releases.append(release)
        return budget

    def to_dict(self) -> dict[str, Any]:
        return {"datasets": {k: asdict(v) for k, v in self.datasets.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ledger:
        datasets = {}
        for key, value in data.get("datasets", {}).items():
            releases = [Release(**r) for r in value.get("releases", [])]
            datasets[key] = DatasetBudget(float(value["total_epsilon"]), releases)
        return cls(datasets)


def load_ledger(path: str | Path) -> Ledger:
    path = Path(path)
    if not path.is_file():
        return Ledger()
    try:
        return Ledger.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"unreadable privacy-budget ledger {path}: {exc}") from exc


def save_ledger(ledger: Ledger, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(ledger.to_dict(), indent=2), encoding="utf-8")
    tmp.replace(path)


def dataset_id(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's content (column names and cells), independent of the file format."""
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    hashed = pd.util.hash_pandas_object(frame.fillna("").astype(str), index=False)
    digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
