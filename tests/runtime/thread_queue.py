"""Tests' door to the real queue: the database backend, with a worker's claim-and-run in a thread.

`database_queue(settings)` switches the test to django-tasks-db (jobs wait in the database, as in
production); `start()` then runs what is queued in a thread of the test process, through the same
`claim` and `execute` as `ctm worker`, so a test can hold the job half-way (monkeypatched progress)
and read its page meanwhile. tests/runtime/test_worker.py runs the real `ctm worker` process."""

from __future__ import annotations

import threading

from django.db import connections

from ctm.runtime.domain.worker import Worker, execute

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class ThreadQueue:
    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.ran = 0

    def _run(self) -> None:
        worker = Worker(name="test-thread")
        try:
            while (row := worker.claim()) is not None:
                execute(row)
                self.ran += 1
        finally:
            connections.close_all()

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="queue", daemon=True)
        self.thread.start()

    def wait(self, timeout: float = 600) -> None:
        if self.thread is not None:
            self.thread.join(timeout)
            assert not self.thread.is_alive(), "the queued job did not finish"


def database_queue(settings) -> ThreadQueue:
    settings.TASKS = DATABASE_BACKEND
    return ThreadQueue()
