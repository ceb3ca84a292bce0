"""Backups that restore: `ctm backup --out DIR` and `ctm restore DIR`.

A backup is a folder:

    manifest.json        format, date, database vendor, migrations, rows per table, and the SHA-256 of
                         every file below (encrypted and decrypted): no data, no key
    database.age         PostgreSQL: `pg_dump --format=custom` (one consistent snapshot);
                         SQLite: the online backup API's copy (consistent while CTM runs)
    releases.tar.age     the published releases (CTM_RELEASES_DIR); attachments, uploaded datasets and
                         uploaded linkage lists are encrypted rows of the database and travel with it

Every file is encrypted with age (pyrage, X25519) to the backup key's recipient. The backup key
(CTM_BACKUP_KEY, an age identity; generated into var/secrets.json for the embedded default) is never
written into the backup; with it, the standard `age` tool also decrypts the files by hand. Identifying
data inside the database stays encrypted under CTM's own keys, which are kept apart (docs/operations.md).

`restore` checks every SHA-256 before anything is written, refuses a database or releases folder that
is not empty, restores, then counts the rows of every table against the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pyrage
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from pyrage import x25519

from ctm.runtime.production import private_dir, private_file

FORMAT = "ctm-backup-1"
MANIFEST = "manifest.json"
DATABASE = "database.age"
RELEASES = "releases.tar.age"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why, in plain words."""


# --- keys ---------------------------------------------------------------------------------------------


def identity() -> x25519.Identity:
    key = settings.CTM_BACKUP_KEY
    if not key:
        raise BackupError("No backup key: set CTM_BACKUP_KEY (an age identity, AGE-SECRET-KEY-1…).")
    try:
        return x25519.Identity.from_str(key)
    except Exception as exc:  # pyrage.IdentityError and friends
        raise BackupError("CTM_BACKUP_KEY is not an age identity (AGE-SECRET-KEY-1…).") from exc


# --- hashing streams ----------------------------------------------------------------------------------


class HashingReader(io.RawIOBase):
    def __init__(self, source: IO[bytes]) -> None:
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.source.read(len(buffer))
        self.digest.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)


class HashingWriter(io.RawIOBase):
    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.digest, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _encrypt(source: IO[bytes], path: Path, recipient: x25519.Recipient) -> dict[str, Any]:
    reader = HashingReader(source)
    with path.open("wb") as out:
        os.chmod(path, 0o600)
        pyrage.encrypt_io(reader, out, [recipient])
    return {"plain_sha256": reader.digest.hexdigest(), "plain_bytes": reader.size,
            "sha256": file_sha256(path), "bytes": path.stat().st_size}  # fmt: skip


@contextmanager
def _decrypted(path: Path, expected: dict[str, Any]) -> Iterator[io.BytesIO]:
    """The decrypted bytes of a backup file (in memory), checked against the manifest."""
    plain = io.BytesIO()
    writer = HashingWriter(plain)
    with path.open("rb") as handle:
        try:
            pyrage.decrypt_io(handle, writer, [identity()])
        except pyrage.DecryptError as exc:
            raise BackupError(f"{path.name} does not open with this CTM_BACKUP_KEY (another key made it?).") from exc
    if writer.digest.hexdigest() != expected["plain_sha256"]:
        raise BackupError(f"{path.name} decrypts to other bytes than those backed up: refused.")
    plain.seek(0)
    yield plain


# --- what the database holds ------------------------------------------------------------------------


def table_counts(alias: str = "default") -> dict[str, int]:
    conn = connections[alias]
    tables = sorted(conn.introspection.table_names())
    counts = {}
    with conn.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608  (introspected names)
            counts[table] = int(cursor.fetchone()[0])
    return counts


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, [*args, "--dbname", str(db["NAME"])]


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _dump_database(path: Path, recipient: x25519.Recipient) -> dict[str, Any]:
    if _is_sqlite():
        copy = sqlite3.connect(":memory:")
        with sqlite3.connect(str(settings.DATABASES["default"]["NAME"])) as live:
            live.backup(copy)  # the online backup API: a consistent copy while CTM runs
        data = _rollback_journal_header(copy.serialize())
        copy.close()
        return _encrypt(io.BytesIO(data), path, recipient)
    env, args = _pg_env_and_args()
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as dump:  # noqa: S603
        assert dump.stdout is not None
        result = _encrypt(dump.stdout, path, recipient)
        _, err = dump.communicate()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed (exit {dump.returncode}): {err.decode(errors='replace')[-500:]}")
    return result


def _rollback_journal_header(data: bytes) -> bytes:
    """The copy of a WAL database says "WAL" in its header (bytes 18-19), which an in-memory or a lone
    copy cannot honour: mark it as a plain (rollback-journal) database file; restore turns WAL on again."""
    if len(data) >= 20 and data[18:20] == b"\x02\x02":
        return data[:18] + b"\x01\x01" + data[20:]
    return data


def _pack_releases(path: Path, recipient: x25519.Recipient) -> dict[str, Any]:
    buffer = io.BytesIO()
    root = Path(settings.CTM_RELEASES_DIR)
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        if root.is_dir():
            for item in sorted(root.iterdir()):
                tar.add(item, arcname=item.name)
    buffer.seek(0)
    return _encrypt(buffer, path, recipient)


# --- backup -----------------------------------------------------------------------------------------


def create_backup(out: Path) -> dict[str, Any]:
    """Write a backup into `out` (a new or empty folder, created owner-only). Returns the manifest."""
    recipient = identity().to_public()
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: give a new folder for each backup.")
    private_dir(out)
    os.chmod(out, 0o700)
    counts = table_counts()  # before the dump: rows written meanwhile may be in it, never fewer
    files = {DATABASE: _dump_database(out / DATABASE, recipient), RELEASES: _pack_releases(out / RELEASES, recipient)}
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "recipient": str(recipient),
        "migrations": applied_migrations(),
        "rows": counts,
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.chmod(out / MANIFEST, 0o600)
    return manifest


# --- restore ----------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = dict(json.loads((folder / MANIFEST).read_text()))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: not a CTM backup.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not a backup this version of CTM reads ({manifest.get('format')!r}).")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or file_sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} is missing or was changed since the backup (SHA-256 differs): refused.")
    return manifest


def _require_empty() -> None:
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            "The database is not empty: a backup is restored onto an empty installation only "
            "(a new PostgreSQL database, or no SQLite file)."
        )
    root = Path(settings.CTM_RELEASES_DIR)
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(f"The releases folder {root} is not empty: restore into a new installation.")


def restore_backup(folder: Path) -> dict[str, Any]:
    """Restore a backup onto an empty installation; returns the manifest (rows checked)."""
    manifest = read_manifest(folder)
    identity()
    if manifest["database"] != connection.vendor:
        raise BackupError(f"This backup is of a {manifest['database']} database; this installation uses {connection.vendor}.")
    _require_empty()
    with _decrypted(folder / DATABASE, manifest["files"][DATABASE]) as data:
        _load_database(data)
    with _decrypted(folder / RELEASES, manifest["files"][RELEASES]) as data:
        _unpack_releases(data)
    connections.close_all()
    restored = table_counts()
    differ = [t for t, n in manifest["rows"].items() if restored.get(t, 0) < n]
    if differ:
        raise BackupError(f"Rows are missing after the restore in: {', '.join(differ[:5])}.")
    return manifest


def _load_database(data: io.BytesIO) -> None:
    if _is_sqlite():
        path = Path(str(settings.DATABASES["default"]["NAME"]))
        connections.close_all()
        private_file(path)
        source = sqlite3.connect(":memory:")
        source.deserialize(_rollback_journal_header(data.getvalue()))
        with sqlite3.connect(str(path)) as target:
            source.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        source.close()
        return
    env, args = _pg_env_and_args()
    command = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", *args]
    done = subprocess.run(command, input=data.getvalue(), env=env, capture_output=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (exit {done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")


def _unpack_releases(data: io.BytesIO) -> None:
    root = Path(settings.CTM_RELEASES_DIR)
    private_dir(root)
    with tarfile.open(fileobj=data, mode="r") as tar:
        tar.extractall(root, filter="data")  # refuses absolute paths, "..", links out of the folder


def remove_partial(out: Path) -> None:
    """A backup that failed half-way leaves nothing behind."""
    if out.is_dir():
        shutil.rmtree(out, ignore_errors=True)
