"""`ctm audit`: the activity log's integrity.

    ctm audit verify [--checkpoints PATH ...]       walk the keyed chain and compare it with the checkpoints
    ctm audit checkpoint [--file PATH] [--syslog ADDRESS] [--no-file]
                                                   verify, then write a signed checkpoint of the head
    ctm audit rotate [--checkpoints PATH ...]       re-seal the log under the first key of CTM_AUDIT_KEYS
    ctm audit public-key                           print the key that verifies checkpoints

`verify` reads CTM_AUDIT_CHECKPOINT_FILE when it exists, plus every `--checkpoints` file (a copy kept
elsewhere, or a syslog server's file: lines without a checkpoint are ignored). Exit code 0 when the
log is intact, 1 when any problem is found. `checkpoint` exits 1 and writes nothing when the chain
does not verify. Run it on a schedule (docs/data-protection.md, "Checkpoints").
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctm.core import audit_crypto
from ctm.core.domain.activity import ChainProblem, verify_chain
from ctm.core.domain.checkpoints import LogNotIntact, verify_checkpoints, write_checkpoint
from ctm.core.domain.queries.activity import legacy_problems_recorded
from ctm.core.domain.resealing import reseal_chain


class Command(BaseCommand):
    help = "The activity log: `ctm audit verify`, `checkpoint`, `rotate` (re-seal under a new key), `public-key`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{verify,checkpoint,rotate,public-key}"
        )
        verify = sub.add_parser(
            "verify", help="verify the keyed chain and the checkpoints of the activity log"
        )
        verify.add_argument(
            "--checkpoints", action="append", default=[], metavar="PATH",
            help="another file of checkpoints (a copy, a syslog file); may be repeated",
        )  # fmt: skip
        checkpoint = sub.add_parser("checkpoint", help="verify, then write a signed checkpoint of the head")
        checkpoint.add_argument("--file", metavar="PATH", help="default: CTM_AUDIT_CHECKPOINT_FILE")
        checkpoint.add_argument("--no-file", action="store_true", help="only send to syslog")
        checkpoint.add_argument(
            "--syslog",
            metavar="ADDRESS",
            help="udp://host:514, tcp://host:601 or /dev/log (default: CTM_AUDIT_SYSLOG)",
        )
        rotate = sub.add_parser(
            "rotate",
            help="after a new key was put first in CTM_AUDIT_KEYS: verify, re-seal every entry under it, "
            "record core.audit.resealed and write a checkpoint",
        )
        rotate.add_argument(
            "--checkpoints", action="append", default=[], metavar="PATH",
            help="another file of checkpoints to verify first; may be repeated",
        )  # fmt: skip
        sub.add_parser("public-key", help="print the public key that verifies checkpoints")

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        if action == "verify":
            self.verify([Path(p) for p in opts["checkpoints"]])
        elif action == "checkpoint":
            self.checkpoint(opts)
        elif action == "rotate":
            self.rotate([Path(p) for p in opts["checkpoints"]])
        else:
            key_id = audit_crypto.current_key_id()
            self.stdout.write(f"{key_id} ed25519 {audit_crypto.public_key(key_id)}")

    def verify(self, extra: list[Path]) -> None:
        count, problems = verify_chain()
        self.stdout.write(f"Checked {count} activity-log entries.")
        default = Path(settings.CTM_AUDIT_CHECKPOINT_FILE)
        missing = [p for p in extra if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(map(str, missing))}", returncode=2)
        paths = ([default] if default.is_file() else []) + extra
        report = verify_checkpoints(paths)
        self.print_problems(problems + report.problems)
        for note in report.skipped:
            self.stdout.write(self.style.WARNING(note))
        for entry_id, n, listed in legacy_problems_recorded():
            self.stdout.write(
                self.style.WARNING(
                    f"Entry {entry_id} (re-key on upgrade) records {n} problem(s) in the log as it was "
                    "before the keyed chain:"
                )
            )
            for where, text in listed:
                self.stdout.write(
                    self.style.WARNING(f"  {'entry ' + str(where) if where else 'end of the log'}: {text}")
                )
        if report.latest is None:
            self.stdout.write(
                self.style.WARNING(
                    "No checkpoint found: only the chain head's seal protects the newest entries "
                    "(run `ctm audit checkpoint` on a schedule)."
                )
            )
        else:
            self.stdout.write(
                f"Compared with {report.checked} checkpoint(s); the latest, of {report.latest.written_at}, "
                f"holds entry {report.latest.entry_id}."
            )
        if problems or report.problems:
            n = len(problems) + len(report.problems)
            raise CommandError(f"{n} problem(s) found: the activity log was changed.", returncode=1)
        self.stdout.write(self.style.SUCCESS("The activity log is intact."))

    def rotate(self, extra: list[Path]) -> None:
        default = Path(settings.CTM_AUDIT_CHECKPOINT_FILE)
        paths = ([default] if default.is_file() else []) + extra
        try:
            entry = reseal_chain(by=_cli_actor(), checkpoints=paths)
        except LogNotIntact as exc:
            self.print_problems(exc.problems)
            raise CommandError(
                "The activity log does not verify: nothing was re-sealed (find out what changed first).",
                returncode=1,
            ) from exc
        changes = entry.changes
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-sealed {changes['entries'][1]} entries under audit key {changes['to_key'][1]} "
                f"(from {', '.join(changes['from_keys'][1]) or 'the same key'}); recorded as entry {entry.pk}."
            )
        )
        try:
            cp = write_checkpoint()
        except (LogNotIntact, ValueError, OSError) as exc:
            raise CommandError(
                f"The log was re-sealed, but no checkpoint could be written ({exc}): run `ctm audit checkpoint`.",
                returncode=1,
            ) from exc
        self.stdout.write(
            f"Checkpoint of entry {cp.entry_id} written. Check with `ctm audit verify`, then remove the old "
            "key from CTM_AUDIT_KEYS."
        )

    def print_problems(self, problems: list[ChainProblem]) -> None:
        for problem in problems:
            where = f"entry {problem.entry_id}" if problem.entry_id is not None else "end of the log"
            self.stdout.write(self.style.ERROR(f"{where}: {problem.problem}"))

    def checkpoint(self, opts: dict[str, Any]) -> None:
        path = "" if opts["no_file"] else opts["file"]
        try:
            cp = write_checkpoint(path=path, syslog=opts["syslog"])
        except LogNotIntact as exc:
            self.print_problems(exc.problems)
            raise CommandError(str(exc), returncode=1) from exc
        except (ValueError, OSError) as exc:
            raise CommandError(f"The checkpoint could not be written: {exc}", returncode=1) from exc
        where = [str(opts["file"] or settings.CTM_AUDIT_CHECKPOINT_FILE)] if path != "" else []
        if opts["syslog"] or settings.CTM_AUDIT_SYSLOG:
            where.append(f"syslog {opts['syslog'] or settings.CTM_AUDIT_SYSLOG}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint of entry {cp.entry_id} ({cp.entries} entries, key {cp.key_id}) written to "
                f"{' and '.join(where)}."
            )
        )


def _cli_actor() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        who = "unknown"
    return f"ctm audit rotate ({who})"
