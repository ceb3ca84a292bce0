"""Signed checkpoints of the activity log's head, written OUTSIDE the database.

The keyed chain stops anyone without the audit key from rewriting or removing entries in the middle,
but not from cutting the newest entries and putting back a head row saved earlier. A checkpoint
records (last entry id, number of entries up to it, its hash) signed with the Ed25519 key derived
from the audit key, and goes where the database's writers cannot reach: a file (`CTM_AUDIT_CHECKPOINT_
FILE`, append-only JSON lines), a syslog server (`CTM_AUDIT_SYSLOG`), or both. `ctm audit verify`
reads the file (and any copy given with `--checkpoints`, a syslog server's file included) and reports
every checkpointed entry that is gone or changed.

`write_checkpoint()` is the function a scheduler calls (a systemd timer or cron running `ctm audit
checkpoint`, or a periodic job of the worker): it verifies the chain first and never signs a log that
does not verify.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from ctm.core import audit_crypto
from ctm.core.domain.activity import ChainProblem, verify_chain
from ctm.core.models import ActivityLog
from ctm.core.models.activity import GENESIS, canonical

MARKER = "ctm_audit_checkpoint"
VERSION = 1
SYSLOG_IDENT = "ctm-audit: "


class LogNotIntact(Exception):
    """The chain does not verify: no checkpoint is signed over it."""

    def __init__(self, problems: list[ChainProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the activity log: no checkpoint written")
        self.problems = problems


@dataclass(frozen=True)
class Checkpoint:
    written_at: str
    entry_id: int | None
    entries: int
    hash: str
    key_id: str
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {
            MARKER: VERSION,
            "written_at": self.written_at,
            "entry_id": self.entry_id,
            "entries": self.entries,
            "hash": self.hash,
            "key_id": self.key_id,
        }

    def line(self) -> str:
        return canonical({**self.body(), "signature": self.signature})

    def signed_text(self) -> str:
        return canonical(self.body())


@dataclass
class CheckpointReport:
    checked: int = 0
    skipped: list[str] = field(default_factory=list)
    problems: list[ChainProblem] = field(default_factory=list)
    latest: Checkpoint | None = None


# --- writing --------------------------------------------------------------------------------------


def current_head() -> Checkpoint:
    """The newest committed entry, the number of entries up to it, signed with the current key."""
    last = ActivityLog.objects.order_by("-id").values("id", "hash").first()
    entry_id, digest = (last["id"], last["hash"]) if last else (None, GENESIS)
    count = ActivityLog.objects.filter(id__lte=entry_id).count() if entry_id is not None else 0
    key_id = audit_crypto.current_key_id()
    unsigned = Checkpoint(timezone.now().isoformat(), entry_id, count, digest, key_id)
    return Checkpoint(**{**unsigned.__dict__, "signature": audit_crypto.sign(key_id, unsigned.signed_text())})


def write_checkpoint(
    *, path: Path | str | None = None, syslog: str | None = None, verify: bool = True
) -> Checkpoint:
    """Verify the chain, then append a signed checkpoint of its head to the file and/or syslog.

    `path` and `syslog` default to CTM_AUDIT_CHECKPOINT_FILE and CTM_AUDIT_SYSLOG; pass "" to skip one.
    Raises LogNotIntact (nothing written) when the chain does not verify."""
    if verify:
        _count, problems = verify_chain()
        if problems:
            raise LogNotIntact(problems)
    checkpoint = current_head()
    target = settings.CTM_AUDIT_CHECKPOINT_FILE if path is None else path
    address = settings.CTM_AUDIT_SYSLOG if syslog is None else syslog
    if not target and not address:
        raise ValueError("no checkpoint destination: give a file or a syslog address")
    if target:
        append_line(Path(target), checkpoint.line())
    if address:
        send_syslog(address, checkpoint.line())
    return checkpoint


def append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def syslog_handler(address: str) -> logging.handlers.SysLogHandler:
    """udp://host:port, tcp://host:port, or the path of a local socket such as /dev/log."""
    if "://" in address:
        scheme, _, rest = address.partition("://")
        host, _, port = rest.rpartition(":")
        if scheme not in ("udp", "tcp") or not host or not port.isdigit():
            raise ValueError(f"syslog address {address!r}: expected udp://host:port or tcp://host:port")
        kind = socket.SOCK_DGRAM if scheme == "udp" else socket.SOCK_STREAM
        return logging.handlers.SysLogHandler(address=(host, int(port)), socktype=kind)
    return logging.handlers.SysLogHandler(address=address)


def send_syslog(address: str, line: str) -> None:
    handler = syslog_handler(address)
    handler.ident = SYSLOG_IDENT
    try:
        handler.emit(
            logging.makeLogRecord(
                {"name": "ctm.audit", "levelno": logging.INFO, "levelname": "INFO", "msg": line}
            )
        )
    finally:
        handler.close()


# --- reading and checking -------------------------------------------------------------------------


def parse_lines(lines: Iterable[str], source: str) -> tuple[list[Checkpoint], list[ChainProblem]]:
    """Checkpoints found in a file's lines (a syslog file's prefixes are ignored)."""
    found: list[Checkpoint] = []
    bad: list[ChainProblem] = []
    for number, line in enumerate(lines, start=1):
        if MARKER not in line:
            continue
        try:
            data = json.loads(line[line.index("{") : line.rindex("}") + 1])
            found.append(
                Checkpoint(
                    written_at=str(data["written_at"]),
                    entry_id=data["entry_id"] if data["entry_id"] is None else int(data["entry_id"]),
                    entries=int(data["entries"]),
                    hash=str(data["hash"]),
                    key_id=str(data["key_id"]),
                    signature=str(data["signature"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            bad.append(ChainProblem(None, f"{source}, line {number}: unreadable checkpoint"))
    return found, bad


def read_checkpoints(paths: Iterable[Path]) -> tuple[list[Checkpoint], list[ChainProblem]]:
    found: list[Checkpoint] = []
    bad: list[ChainProblem] = []
    for path in paths:
        with Path(path).open(encoding="utf-8", errors="replace") as handle:
            more, problems = parse_lines(handle, str(path))
        found += more
        bad += problems
    return found, bad


def default_checkpoint_files() -> list[Path]:
    path = Path(settings.CTM_AUDIT_CHECKPOINT_FILE)
    return [path] if path.is_file() else []


def verify_checkpoints(paths: Iterable[Path] | None = None) -> CheckpointReport:
    """Check every checkpoint's signature, then that the entry it names is still there, unchanged,
    with as many entries up to it as when it was written."""
    found, bad = read_checkpoints(default_checkpoint_files() if paths is None else paths)
    report = CheckpointReport(problems=bad)
    ring = set(audit_crypto.ring_ids())
    valid = []
    for cp in found:
        if cp.key_id not in ring:
            report.skipped.append(
                f"checkpoint of {cp.written_at}: key {cp.key_id!r} is not in CTM_AUDIT_KEYS"
            )
        elif not audit_crypto.verify_signature(
            audit_crypto.public_key(cp.key_id), cp.signed_text(), cp.signature
        ):
            report.problems.append(
                ChainProblem(None, f"checkpoint of {cp.written_at}: bad signature (forged or damaged)")
            )
        else:
            valid.append(cp)
    report.checked = len(valid)
    _compare_with_log(report, valid)
    return report


def _compare_with_log(report: CheckpointReport, valid: list[Checkpoint]) -> None:
    ids = {cp.entry_id for cp in valid if cp.entry_id is not None}
    stored = {row["id"]: row for row in ActivityLog.objects.filter(id__in=ids).values("id", "hash", "key_id")}
    for cp in valid:
        row = stored.get(cp.entry_id) if cp.entry_id is not None else None
        if cp.entry_id is not None and row is None:
            report.problems.append(
                ChainProblem(cp.entry_id, f"removed, though the checkpoint of {cp.written_at} holds it")
            )
        elif row is not None and row["key_id"] == cp.key_id and row["hash"] != cp.hash:
            report.problems.append(
                ChainProblem(cp.entry_id, f"changed since the checkpoint of {cp.written_at}")
            )
    if valid:
        latest = max(valid, key=lambda cp: (cp.entry_id or 0, cp.written_at))
        report.latest = latest
        up_to = ActivityLog.objects.filter(id__lte=latest.entry_id or 0).count()
        if up_to != latest.entries:
            report.problems.append(
                ChainProblem(
                    None,
                    f"the checkpoint of {latest.written_at} counted {latest.entries} entries up to entry "
                    f"{latest.entry_id}; {up_to} are left (entries removed or added)",
                )
            )
        newest = ActivityLog.objects.aggregate(m=Max("id"))["m"] or 0
        if newest < (latest.entry_id or 0):
            report.problems.append(
                ChainProblem(None, "the log ends before the latest checkpoint (entries cut)")
            )
