"""`ctm restore DIR`: restore a backup made by `ctm backup` onto an empty installation.

Needs the same CTM_BACKUP_KEY to open the files, and the same encryption and blind-index keys as the
backed-up installation to read its data (they are never in the backup). Refused onto a database or a
releases folder that is not empty. Afterwards: `ctm audit verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctm.runtime.domain.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup (`ctm backup`) onto an empty installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="the backup's folder (with manifest.json)")

    def handle(self, *args: Any, folder: str, **options: Any) -> None:
        try:
            manifest = restore_backup(Path(folder))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} ({rows:,} rows, every table counted). "
            "Next: `ctm audit verify`, then start CTM."
        )
