"""The example files of docs/operations.md parse: the systemd units with `systemd-analyze verify`, the
nginx site with `nginx -t`, the environment file with CTM itself (`ctm check --deploy`, no warning).

Each example is the fenced block after a `<!-- file: NAME -->` line. systemd-analyze and nginx are
used where installed; in CI (`CI` set) both must be there (.ci/run installs nginx from Debian)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "operations.md"
BLOCK = re.compile(r"<!-- file: (?P<name>[\w.-]+) -->\n```\w*\n(?P<body>.*?)```", re.S)


def examples() -> dict[str, str]:
    return {m["name"]: m["body"] for m in BLOCK.finditer(DOC.read_text())}


def need(tool: str) -> str:
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is needed in CI (see .ci/run)")
        pytest.skip(f"{tool} is not installed")
    return path


def test_the_guide_has_every_example():
    assert set(examples()) == {
        "ctm.env", "ctm-web.service", "ctm-worker.service", "ctm-backup.service", "ctm-backup.timer", "ctm.nginx.conf",
    }  # fmt: skip


def test_systemd_units_verify(tmp_path):
    tool = need("systemd-analyze")
    units = {n: b for n, b in examples().items() if n.endswith((".service", ".timer"))}
    for name, body in units.items():
        # the paths of an installation, pointed at this checkout (verify checks that programs exist)
        text = body.replace("/opt/ctm", str(ROOT)).replace("/etc/ctm/ctm.env", str(tmp_path / "ctm.env"))
        (tmp_path / name).write_text(text)
    (tmp_path / "ctm.env").write_text(examples()["ctm.env"])
    out = subprocess.run([tool, "verify", *(str(tmp_path / n) for n in sorted(units))], capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    problems = [line for line in (out.stdout + out.stderr).splitlines() if str(tmp_path) in line]
    assert out.returncode == 0 and problems == [], out.stdout + out.stderr
    # the tool does look: a misspelt key and a bad value in a copy are reported
    broken = units["ctm-web.service"].replace("Restart=on-failure", "Restartt=on-failure").replace("Type=simple", "Type=bogus")
    (tmp_path / "broken.service").write_text(broken.replace("/opt/ctm", str(ROOT)))
    out = subprocess.run([tool, "verify", str(tmp_path / "broken.service")], capture_output=True, text=True, timeout=120)
    assert "Restartt" in out.stderr and "bogus" in out.stderr


def test_nginx_site_passes_nginx_t(tmp_path):
    tool = need("nginx")
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ctm.example.org")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))  # fmt: skip
    (tmp_path / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "privkey.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))  # fmt: skip
    site = examples()["ctm.nginx.conf"].replace("/etc/ssl/ctm", str(tmp_path))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path};\n include {tmp_path}/site.conf;\n}}\n"
    )
    out = subprocess.run([tool, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "syntax is ok" in out.stderr


def test_the_environment_file_passes_check_deploy(tmp_path):
    """The documented variables, with real keys in place of the placeholders, on SQLite here."""
    from ctm.core.keys import new_key_material
    from ctm.runtime.production import new_backup_key

    env = {}
    for line in examples()["ctm.env"].splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    assert env["CTM_PRODUCTION"] == "1" and env["CTM_PROXY_SSL_HEADER"] == "x-forwarded-proto"
    env.update(CTM_SECRET_KEY=new_key_material() + new_key_material(), CTM_ENCRYPTION_KEYS=f"k1:{new_key_material()}",
               CTM_BLIND_INDEX_KEY=new_key_material(), CTM_BACKUP_KEY=new_backup_key(), CTM_AUDIT_KEYS=f"a1:{new_key_material()}",
               CTM_VAR_DIR=str(tmp_path / "var"), CTM_RELEASES_DIR=str(tmp_path / "var" / "releases"),
               CTM_DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'ctm.sqlite3'}")  # fmt: skip
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process (Playwright); a server never has it
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CTM_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    out = subprocess.run([sys.executable, "-m", "ctm.cli", "check", "--deploy", "--fail-level", "WARNING"],
                         env={**clean, **env}, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    # One check is silenced on purpose, with its reason in settings: axes.W006 (no lockout by IP address)
    assert "no issues (1 silenced)" in out.stdout
