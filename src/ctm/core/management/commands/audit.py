"""`ctm audit verify`: walk the activity log's hash chain and report every entry changed or removed.

Exit code 0 when the chain is intact, 1 when any problem is found.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctm.core.domain.activity import verify_chain


class Command(BaseCommand):
    help = "Check the activity log: `ctm audit verify` reports entries that were changed or removed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="verify")
        sub.add_parser("verify", help="verify the hash chain of the activity log")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        count, problems = verify_chain()
        self.stdout.write(f"Checked {count} activity-log entries.")
        for problem in problems:
            where = f"entry {problem.entry_id}" if problem.entry_id is not None else "end of the log"
            self.stdout.write(self.style.ERROR(f"{where}: {problem.problem}"))
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) found: the activity log was changed.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS("The activity log is intact."))
