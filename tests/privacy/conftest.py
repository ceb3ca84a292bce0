"""Privacy test fixtures: small generated tables, and pycanon in its own virtual environment.

pycanon pins old numpy/pandas, so it never enters CTM's .venv: a session fixture creates
``.venv-pycanon`` next to the project once (cached by the directory's existence) and the tests call it
in a subprocess on the files CTM wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
PYCANON_VENV = ROOT / ".venv-pycanon"
PYCANON_VERSION = "1.3.6"

AGES = [str(a) for a in range(0, 80)]
COUNTRIES = ["UA", "MD", "RU", "PL", "PH", "ID", "KH", "VN", "US", "MX", "NG", "GH"]


def make_people(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    """A fictional case table with CTDC-like columns (strings; missing as None)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "age": rng.choice(AGES, rows),
        "citizenship": rng.choice(COUNTRIES, rows, p=_skewed(len(COUNTRIES))),
        "gender": rng.choice(["Female", "Male"], rows, p=[0.7, 0.3]),
        "yearOfRegistration": rng.choice([str(y) for y in range(2010, 2021)], rows),
        "isAbduction": rng.choice(["0", "1"], rows, p=[0.9, 0.1]),
        "typeOfExploit": rng.choice(["Sexual", "Labour", "Marriage", "Other"], rows, p=[0.4, 0.35, 0.1, 0.15]),
    })
    frame.loc[rng.random(rows) < 0.05, "gender"] = None
    return frame.astype(object).where(frame.notna(), None)


# The public domain of make_people's columns, declared (never read from the generated table).
PEOPLE_DOMAIN = {
    "age": {"bounds": [0, 79]},
    "citizenship": COUNTRIES,
    "gender": {"values": ["Female", "Male"]},
    "yearOfRegistration": {"bounds": [2010, 2020]},
    "isAbduction": ["0", "1"],
    "typeOfExploit": ["Sexual", "Labour", "Marriage", "Other"],
}


@pytest.fixture
def people_domain(tmp_path: Path) -> Path:
    path = tmp_path / "domain.json"
    path.write_text(json.dumps(PEOPLE_DOMAIN))
    return path


def _skewed(n: int) -> list[float]:
    weights = 1.0 / np.arange(1, n + 1)
    return list(weights / weights.sum())


@pytest.fixture
def people() -> pd.DataFrame:
    return make_people()


def _venv_python() -> Path:
    return PYCANON_VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


@pytest.fixture(scope="session")
def pycanon_python() -> Path:
    """Python of the isolated pycanon venv, created on first use; skip if it cannot be built (fail under
    CI=1: the check by an independent tool must run there)."""
    python = _venv_python()
    marker = PYCANON_VENV / ".pycanon-ready"
    if not marker.is_file():
        try:
            if not python.is_file():
                subprocess.run([sys.executable, "-m", "venv", str(PYCANON_VENV)], check=True, timeout=300)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"pycanon=={PYCANON_VERSION}"],
                           check=True, timeout=900, capture_output=True)
        except (subprocess.SubprocessError, OSError) as exc:  # CI installs from PyPI: fail there
            (pytest.fail if os.environ.get("CI") else pytest.skip)(f"cannot build the pycanon venv: {exc}")
        marker.write_text(PYCANON_VERSION)
    return python


PYCANON_SCRIPT = """
import json, sys
import pandas as pd
from pycanon import anonymity
path, qi, sens = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
data = pd.read_csv(path, dtype=str, keep_default_na=False)
suppressed = (data[qi] == "").all(axis=1)
data = data.loc[~suppressed].reset_index(drop=True)
out = {"k": int(anonymity.k_anonymity(data, qi)), "rows": int(len(data))}
if sens:
    out["l"] = int(anonymity.l_diversity(data, qi, sens))
    out["entropy_l"] = float(anonymity.entropy_l_diversity(data, qi, sens))
print(json.dumps(out))
"""


def pycanon_measures(python: Path, csv_path: Path, qi: list[str], sensitive: list[str]) -> dict[str, float]:
    """k (and l) that pycanon finds on a released CSV, suppressed rows (all QIs empty) left out."""
    result = subprocess.run(
        [str(python), "-c", PYCANON_SCRIPT, str(csv_path), json.dumps(qi), json.dumps(sensitive)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))
