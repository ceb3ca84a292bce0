"""Backups that restore, end to end, on the database the suite runs on (SQLite or PostgreSQL):
backup → a new, empty database → restore → `ctm audit verify` passes, every case and attachment reads
back, every table has the same rows. And what must be refused is refused: a non-empty target, another
backup key, a file changed after the backup. Nothing readable (no name, no key) is in the backup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from ctm.runtime.production import new_backup_key

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "runtime" / "e2e.py"
CTM = [sys.executable, "-m", "ctm.cli"]

pytestmark = pytest.mark.slow


def _pg_base() -> str | None:
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        return None
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


class Installation:
    """One CTM installation: its own database and var/ folder, and the keys it is given."""

    def __init__(self, root: Path, name: str, keys: dict[str, str]) -> None:
        self.var = root / name
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CTM_")}
        self.env.update(keys, CTM_VAR_DIR=str(self.var), PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
        base = _pg_base()
        self.pg_name = None
        if base is None:
            self.env["CTM_DATABASE_URL"] = f"sqlite:///{self.var / 'ctm.sqlite3'}"
        else:
            self.pg_name = f"{settings.DATABASES['default']['NAME']}_bk_{name}"[:60]
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.env["CTM_DATABASE_URL"] = f"{base}/{self.pg_name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{_pg_base()}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def ctm(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([*CTM, *args], env=self.env, capture_output=True, text=True, timeout=900)
        if check:
            assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
        return out

    def helper(self, action: str) -> dict:
        out = subprocess.run([sys.executable, str(SCRIPT), action], env=self.env, capture_output=True, text=True,
                             timeout=900)  # fmt: skip
        assert out.returncode == 0, out.stderr[-3000:]
        return json.loads(out.stdout.strip().splitlines()[-1])


def keys() -> dict[str, str]:
    from ctm.core.keys import new_key_material

    return {"CTM_SECRET_KEY": new_key_material(), "CTM_ENCRYPTION_KEYS": f"k1:{new_key_material()}",
            "CTM_BLIND_INDEX_KEY": new_key_material(), "CTM_BACKUP_KEY": new_backup_key(),
            "CTM_AUDIT_KEYS": f"a1:{new_key_material()}"}  # fmt: skip


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    root = tmp_path_factory.mktemp("installations")
    the_keys = keys()
    source = Installation(root, "source", the_keys)
    source.ctm("migrate", "-v0")
    seeded = source.helper("seed-backup")
    before = source.helper("fingerprint")
    out = root / "backup-1"
    source.ctm("backup", "--out", str(out))
    made = []
    yield {"root": root, "keys": the_keys, "out": out, "before": before, "seeded": seeded, "made": made,
           "source": source}  # fmt: skip
    for inst in [source, *made]:
        inst.drop()


def new_installation(backed_up, name: str, **change: str) -> Installation:
    inst = Installation(backed_up["root"], name, {**backed_up["keys"], **change})
    backed_up["made"].append(inst)
    return inst


def test_backup_restore_verify_and_read_everything_back(backed_up):
    target = new_installation(backed_up, "restored")
    done = target.ctm("restore", str(backed_up["out"]))
    assert "every table counted" in done.stdout
    verify = target.ctm("audit", "verify")
    assert "intact" in verify.stdout.lower(), verify.stdout
    after = target.helper("fingerprint")
    before = backed_up["before"]
    assert after["rows"] == before["rows"]  # counts equal, table by table
    assert after["persons"] == before["persons"] and len(before["persons"]) == 7  # every person reads back
    assert after["blobs"] == before["blobs"]  # every attachment, dataset, release preview
    assert sum(k.startswith("cases_attachment") for k in before["blobs"]) == 6
    assert after["files"] == before["files"] and any(f.endswith("manifest.json") for f in before["files"])
    # the restored installation serves: migrations all applied, a page opens
    assert target.ctm("migrate", "--check").returncode == 0


def test_nothing_readable_in_the_backup(backed_up):
    out: Path = backed_up["out"]
    assert sorted(p.name for p in out.iterdir()) == ["database.age", "manifest.json", "releases.tar.age"]
    assert oct(out.stat().st_mode & 0o777) == "0o700"
    blob = b"".join(p.read_bytes() for p in out.iterdir())
    secrets = [v.encode() for v in backed_up["keys"].values()] + [b"Petrova", b"Olga", b"SQLite format", b"PGDMP"]
    for secret in secrets:
        assert secret not in blob
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipient"].startswith("age1") and len(manifest["files"]) == 2
    assert all(len(f["sha256"]) == 64 and len(f["plain_sha256"]) == 64 for f in manifest["files"].values())


def test_restore_is_refused_onto_a_non_empty_installation(backed_up):
    target = new_installation(backed_up, "nonempty")
    target.ctm("migrate", "-v0")
    before = target.helper("fingerprint")["rows"]
    out = target.ctm("restore", str(backed_up["out"]), check=False)
    assert out.returncode != 0 and "not empty" in out.stderr
    assert target.helper("fingerprint")["rows"] == before  # nothing written


def test_restore_is_refused_with_another_backup_key(backed_up):
    target = new_installation(backed_up, "otherkey", CTM_BACKUP_KEY=new_backup_key())
    out = target.ctm("restore", str(backed_up["out"]), check=False)
    assert out.returncode != 0 and "does not open with this CTM_BACKUP_KEY" in out.stderr


def test_a_file_changed_after_the_backup_is_refused_before_anything_is_written(backed_up, tmp_path):
    import shutil

    copy = tmp_path / "tampered"
    shutil.copytree(backed_up["out"], copy)
    data = bytearray((copy / "releases.tar.age").read_bytes())
    data[-10] ^= 1
    (copy / "releases.tar.age").write_bytes(bytes(data))
    target = new_installation(backed_up, "tampered")
    out = target.ctm("restore", str(copy), check=False)
    assert out.returncode != 0 and "SHA-256 differs" in out.stderr
    if target.pg_name is None:
        assert not (target.var / "ctm.sqlite3").exists() or (target.var / "ctm.sqlite3").stat().st_size == 0


def test_a_backup_never_overwrites_a_folder_in_use(backed_up):
    """The installation that wrote the backup, asked to back up into the same folder again (the refusal looks
    at the folder only: no second installation to migrate)."""
    manifest = (backed_up["out"] / "manifest.json").read_bytes()
    out = backed_up["source"].ctm("backup", "--out", str(backed_up["out"]), check=False)
    assert out.returncode != 0 and "not empty" in out.stderr
    assert (backed_up["out"] / "manifest.json").read_bytes() == manifest  # the backup in the folder is untouched
