"""`ctm demo`: migrate, then load fictional demo organizations, users and cases; print the users.

Seeded and reproducible: the same `--seed` and `--cases` give the same case numbers and stages.
Run twice, it leaves existing demo data alone (use `--reset` to start again from an empty database).
It loads in one transaction: interrupted, it leaves nothing, and the next run loads the demo again.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ctm.cases import demo_data
from ctm.cases.domain.queries.cases import write_checks_memo


class Command(BaseCommand):
    help = "Migrate and load fictional demo data (organizations, one user per role, cases); print the demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=2000, help="number of cases (default 2000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument("--reset", action="store_true", help="delete the SQLite database first")
        parser.add_argument("--yes", action="store_true", help="with --reset on PostgreSQL: really flush it")

    def handle(self, *args: Any, cases: int, seed: int, reset: bool, yes: bool, **options: Any) -> None:
        console = Console(file=self.stdout, highlight=False)
        if reset:
            self.reset(yes)
        console.print("Preparing the database (migrations)…")
        call_command("migrate", interactive=False, verbosity=0)
        from ctm.core.models import Organization

        if Organization.objects.filter(code=demo_data.DEMO_ORGS[0].code).exists():
            console.print(
                "Demo data are already loaded (use [bold]ctm demo --reset[/] to generate them again)."
            )
            self.print_users(console, demo_data.demo_users())
            return
        started = time.monotonic()
        # All or nothing: an interrupted run leaves no demo behind, and the next one starts again.
        # Every case is created in this transaction, unseen by anyone else until it commits.
        with transaction.atomic(), write_checks_memo():
            users, plans = self.load(console, cases, seed)
        from ctm.core.panels import warm

        warm()  # the managers' dashboards, counted by the worker before their first visit
        elapsed = time.monotonic() - started
        console.print(
            f"Loaded {len(demo_data.DEMO_ORGS)} organizations, {len(users)} users and {len(plans)} cases "
            f"in {elapsed:.1f} s (seed {seed})."
        )
        self.print_users(console, users)

    def load(self, console: Console, cases: int, seed: int) -> tuple[list[Any], list[Any]]:
        with Progress(
            TextColumn("Generating cases"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=not console.is_terminal,
        ) as bar:
            task = bar.add_task("cases", total=cases)
            users, plans = demo_data.load_demo(cases, seed, progress=lambda n: bar.advance(task, n))
        for config in apps.get_app_configs():  # the apps built on the register add their part
            if hasattr(config, "load_demo"):
                console.print(f"Loaded {config.load_demo(seed)}.")
        call_command("demo_funds", stdout=self.stdout)  # the funds app sits above cases: by name
        return users, plans

    def reset(self, yes: bool) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            connections.close_all()
            name = Path(str(db["NAME"]))
            for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
                path.unlink(missing_ok=True)
            self.stdout.write(f"Deleted {name}")
            return
        if not yes:
            raise CommandError(
                "--reset on PostgreSQL erases every table of the database: add --yes to confirm."
            )
        call_command("flush", interactive=False, verbosity=0)
        self.stdout.write("Flushed every table of the database.")

    def print_users(self, console: Console, users: list[demo_data.DemoUser]) -> None:
        table = Table(title=f"Demo users (fictional; every password is {demo_data.DEMO_PASSWORD})")
        for column in ("username", "role", "organization", "office"):
            table.add_column(column)
        for user in users:
            table.add_row(user.username, user.role, user.organization, user.office)
        console.print(table)
        console.print(f"Password for every demo user: [bold]{demo_data.DEMO_PASSWORD}[/]")
