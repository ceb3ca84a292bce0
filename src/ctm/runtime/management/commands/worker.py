"""`ctm worker [--concurrency N] [--memory-mb M] [--name NAME] [--batch]`: run the queued jobs.

Linkage runs, estimates and the runs of releases wait in the database (django-tasks-db) until a worker
takes them. `ctm serve` starts one beside the web server; a production installation runs it as a
service of its own (docs/operations.md), on as many machines as needed against the same database,
each with its own `--name`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctm.runtime.domain.worker import Worker, WorkerAlreadyRunning, default_name


class Command(BaseCommand):
    help = "Run the queued jobs (linkage runs, estimates, releases), each in a process of its own."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=settings.CTM_WORKER_CONCURRENCY,
                            help="jobs run at once (default CTM_WORKER_CONCURRENCY, %(default)s)")
        parser.add_argument("--memory-mb", type=int, default=settings.CTM_JOB_MEMORY_MB,
                            help="memory ceiling of each job's process, MiB (0: none; default %(default)s)")
        parser.add_argument("--name", default=default_name(),
                            help="this worker's name, unique among the workers (default: the host name)")
        parser.add_argument("--batch", action="store_true", help="run the queued jobs, then stop")

    def handle(self, *args: Any, concurrency: int, memory_mb: int, name: str, batch: bool, **options: Any) -> None:
        if concurrency < 1:
            raise CommandError("--concurrency must be at least 1.")
        if not 0 < len(name) <= 40 or "/" in name:
            raise CommandError("--name must have 1 to 40 characters, without '/'.")
        from ctm.runtime.management.commands.serve import refuse_pending_migrations

        refuse_pending_migrations()
        worker = Worker(name=name, concurrency=concurrency, memory_mb=memory_mb, batch=batch)
        if not batch:  # the manager views' figures of every scope looked at, counted before anyone asks
            from ctm.core.panels import warm

            warm()
        try:
            worker.run()
        except WorkerAlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
