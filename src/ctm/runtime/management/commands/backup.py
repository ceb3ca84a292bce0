"""`ctm backup --out DIR`: an encrypted backup of the database and the published releases.

See ctm.runtime.domain.backup and docs/operations.md ("Backups and the restore drill")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctm.runtime.domain.backup import BackupError, create_backup, remove_partial


class Command(BaseCommand):
    help = "Write an encrypted backup (database, published releases, SHA-256 manifest) into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="a new (or empty) folder for this backup")

    def handle(self, *args: Any, out: str, **options: Any) -> None:
        folder = Path(out)
        existed = folder.exists()
        try:
            manifest = create_backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except BaseException:
            if not existed:
                remove_partial(folder)
            raise
        size = sum(f["bytes"] for f in manifest["files"].values())
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Backup written to {folder} ({size / 2**20:.1f} MiB, {rows:,} rows in {len(manifest['rows'])} tables), "
            f"encrypted to {manifest['recipient']}. Keep CTM_BACKUP_KEY and CTM's keys apart from it."
        )
