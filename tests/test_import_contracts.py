"""The import-linter contracts fail when a module breaks them: for each rule, a probe module that breaks
it is put into a copy of the source, and `lint-imports` must fail on that contract (and pass without
the probe). The copy keeps the working tree untouched while other tests run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"

# (where the probe goes, what it imports, the contract that must break)
PROBES = [
    ("privacy/engine/probe.py", "import django", "The privacy engine imports nothing"),
    ("privacy/engine/probe.py", "from ctm.core import cells", "The privacy engine imports nothing"),
    ("privacy/engine/probe.py", "from ctm.privacy import models", "The privacy engine imports nothing"),
    (
        "privacy/engine/probe.py",
        "from ctm.linkage.engine import link_lists",
        "The privacy engine imports nothing",
    ),
    ("linkage/engine/probe.py", "from django.db import models", "The linkage engine imports nothing"),
    ("linkage/engine/probe.py", "import ctm.linkage.domain", "The linkage engine imports nothing"),
    ("reintegration/engine/probe.py", "import django", "The reintegration engine imports nothing"),
    ("reintegration/engine/probe.py", "from ctm.reintegration import enums", "The reintegration engine imports nothing"),
    ("assistance/probe.py", "import ctm.reintegration.models", "Apps: each imports only the apps below it"),
    ("accounts/domain/probe.py", "import ctm.accounts.views", "Layers inside each app"),
    ("api/schemas/probe.py", "import ctm.api.routers", "Layers inside each app"),
    ("cases/models/probe.py", "import ctm.cases.domain", "Layers inside each app"),
    ("core/probe.py", "import ctm.cases.models", "Apps: each imports only the apps below it"),
    ("accounts/probe.py", "import ctm.cases", "Apps: each imports only the apps below it"),
    ("cases/probe.py", "import ctm.privacy.models", "Apps: each imports only the apps below it"),
    ("privacy/probe.py", "import ctm.linkage.models", "Apps: each imports only the apps below it"),
    (
        "cases/probe.py",
        "from splink.internals.misc import ensure_is_list",
        "No import of a library's private modules",
    ),
    (
        "core/probe.py",
        "from openpyxl.worksheet._reader import WorkSheetParser",
        "No import of a library's private modules",
    ),
]


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory):
    """src/ctm (Python files only) and pyproject.toml, copied; lint-imports runs there."""
    root = tmp_path_factory.mktemp("lint")
    shutil.copytree(
        ROOT / "src" / "ctm",
        root / "src" / "ctm",
        ignore=shutil.ignore_patterns("locale", "static", "templates", "__pycache__", "*.csv", "data"),
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, check=False, timeout=300
    )


def test_the_contracts_hold_on_the_code(source_copy):
    done = lint(source_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" not in done.stdout.split("Contracts:")[-1].replace("0 broken", "")


@pytest.mark.parametrize(("where", "code", "contract"), PROBES, ids=[f"{w}: {c}" for w, c, _ in PROBES])
def test_a_probe_that_breaks_a_rule_makes_lint_imports_fail(source_copy, where, code, contract):
    probe = source_copy / "src" / "ctm" / where
    assert not probe.exists()
    probe.write_text(code + "\n")
    try:
        done = lint(source_copy)
    finally:
        probe.unlink()
    assert done.returncode != 0, done.stdout
    broken = [line for line in done.stdout.splitlines() if " BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), done.stdout
    assert "probe" in done.stdout
