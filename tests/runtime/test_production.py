"""CTM_PRODUCTION=1 refuses to start unsafe; the documented production settings pass `ctm check --deploy`
with no warning; var/ and the SQLite file are created owner-only.

Each case starts a fresh `ctm` process (settings are read once per process), with an environment of
its own and a var/ folder in a temporary directory."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ctm.runtime.production import new_backup_key

ROOT = Path(__file__).resolve().parents[2]
SRC = os.environ.get("CTM_TEST_SRC", str(ROOT / "src"))  # another checkout's code, to see these fail on it


def key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def documented_production(tmp_path: Path) -> dict[str, str]:
    """The environment file of docs/operations.md, with fresh secrets."""
    return {
        "CTM_PRODUCTION": "1",
        "CTM_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(50)).decode(),
        "CTM_ENCRYPTION_KEYS": f"k1:{key()}",
        "CTM_BLIND_INDEX_KEY": key(),
        "CTM_BACKUP_KEY": new_backup_key(),
        "CTM_AUDIT_KEYS": f"a1:{key()}",
        "CTM_ALLOWED_HOSTS": "ctm.example.org",
        "CTM_CSRF_TRUSTED_ORIGINS": "https://ctm.example.org",
        "CTM_PROXY_SSL_HEADER": "x-forwarded-proto",
        "CTM_VAR_DIR": str(tmp_path / "var"),
        "CTM_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'ctm.sqlite3'}",
    }


def ctm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process (Playwright); a server never has it
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CTM_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean["PYTHONPATH"] = SRC
    return subprocess.run(
        [sys.executable, "-c", "import sys; from ctm.cli import main; sys.exit(main())", *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_the_documented_production_settings_pass_check_deploy_without_a_warning(tmp_path):
    out = ctm(documented_production(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert out.returncode == 0, out.stderr[-3000:]
    # The one silenced check is axes.W006, on purpose (lockout by username only; reason in settings)
    assert "System check identified no issues (1 silenced)." in out.stdout


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"CTM_DEBUG": "1"}, "CTM_DEBUG is on"),
        ({"CTM_SECRET_KEY": ""}, "CTM_SECRET_KEY"),
        ({"CTM_ENCRYPTION_KEYS": ""}, "CTM_ENCRYPTION_KEYS"),
        ({"CTM_BLIND_INDEX_KEY": ""}, "CTM_BLIND_INDEX_KEY"),
        ({"CTM_AUDIT_KEYS": ""}, "CTM_AUDIT_KEYS"),
        ({"CTM_HSTS_SECONDS": "0"}, "HSTS is off"),
        ({"CTM_SECURE_COOKIES": "0"}, "cookies may travel over plain HTTP"),
        ({"CTM_SSL_REDIRECT": "0", "CTM_PROXY_SSL_HEADER": ""}, "neither the HTTPS redirect"),
        ({"CTM_ALLOWED_HOSTS": "*"}, "CTM_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_unsafe(tmp_path, change, reason):
    out = ctm({**documented_production(tmp_path), **change}, "check")
    assert out.returncode != 0
    assert "CTM_PRODUCTION=1 refuses to start" in out.stderr and reason in out.stderr
    assert not (tmp_path / "var" / "secrets.json").exists()  # no secret was generated in its place


def test_debug_on_with_every_secret_missing_lists_every_problem(tmp_path):
    env = {"CTM_PRODUCTION": "1", "CTM_DEBUG": "1", "CTM_VAR_DIR": str(tmp_path / "var")}
    out = ctm(env, "check")
    assert out.returncode != 0
    for reason in ("CTM_DEBUG is on", "CTM_SECRET_KEY, CTM_ENCRYPTION_KEYS, CTM_BLIND_INDEX_KEY", "CTM_ALLOWED_HOSTS"):
        assert reason in out.stderr
    assert "Traceback" not in out.stderr  # one plain message, exit code 2
    assert out.returncode == 2


def test_https_redirect_alone_is_enough_without_a_proxy(tmp_path):
    env = {**documented_production(tmp_path), "CTM_PROXY_SSL_HEADER": "", "CTM_SSL_REDIRECT": "1"}
    assert ctm(env, "check").returncode == 0


def test_an_unknown_proxy_header_is_refused(tmp_path):
    out = ctm({**documented_production(tmp_path), "CTM_PROXY_SSL_HEADER": "x-anything"}, "check")
    assert out.returncode != 0 and "CTM_PROXY_SSL_HEADER" in out.stderr


def test_var_and_the_sqlite_file_are_created_owner_only(tmp_path):
    var = tmp_path / "fresh" / "var"
    env = {"CTM_VAR_DIR": str(var), "CTM_DATABASE_URL": f"sqlite:///{var / 'ctm.sqlite3'}"}
    old = os.umask(0o022)  # the usual umask: without care, files would be world-readable
    try:  # the first command of an installation, up to its first connection (--plan: the tables are not the point)
        out = ctm(env, "migrate", "--plan")
    finally:
        os.umask(old)
    assert out.returncode == 0, out.stderr[-3000:]
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    assert stat.S_IMODE((var / "ctm.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE((var / "secrets.json").stat().st_mode) == 0o600
    import sqlite3

    with sqlite3.connect(var / "ctm.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_check_deploy_warns_about_a_readable_var_folder(tmp_path):
    env = documented_production(tmp_path)
    var = Path(env["CTM_VAR_DIR"])
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    out = ctm(env, "check", "--deploy")
    assert "ctm.W101" in out.stderr + out.stdout and "chmod 700" in out.stderr + out.stdout
