"""`ctm serve [--host 127.0.0.1] [--port 8000]`: serve CTM on one machine (the demo, a small office).

It refuses to start while migrations are pending. It runs Django's threaded development server with
DEBUG off and `--insecure`, so that the vendored static files are served by `django.contrib.staticfiles`
without a separate web server. That is right for a local demo or a laptop; a public installation sits
behind a real WSGI server (gunicorn, waitress) and a web server that serves `collectstatic`'s output.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> list[str]:
    connection = connections["default"]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


class Command(BaseCommand):
    help = "Serve CTM (default http://127.0.0.1:8000), static files included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        pending = pending_migrations()
        if pending:
            raise CommandError(
                f"{len(pending)} migration(s) not applied ({', '.join(pending[:3])}{'…' if len(pending) > 3 else ''}): "
                "run `ctm migrate` first."
            )
        if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):  # noqa: S104  (a check, not a bind)
            self.stderr.write(f"Note: {host} is not in CTM_ALLOWED_HOSTS; requests to it will be refused.")
        self.stdout.write(f"CTM on http://{host}:{port}/  (Ctrl+C to stop)")
        addr = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        call_command("runserver", addr, insecure_serving=True, use_reloader=False, use_threading=True)
