"""Long jobs on Django's tasks framework (the `django-tasks` backport), run by `ctm worker`.

Each app declares its jobs with `@job(...)` in its `domain/tasks.py`: a task that takes plain ids (never
identifying data: the arguments are stored in the queue's table), and says

- `idempotent`: running it again after an interruption gives the same result and stores it once (its
  body starts only from `queued` and stores in one transaction only while `running`), so a job cut off
  by a restart is queued again, up to CTM_JOB_MAX_ATTEMPTS; any other job is marked failed;
- `on_interrupted(pk, again)`: puts the job's own row back to `queued` (again=True) or marks it failed
  with a plain sentence for its page (again=False).

`submit(task, pk, ...)` enqueues inside the caller's transaction: with the database backend the task row
commits (or rolls back) with the row that asked for it, so the worker never sees a job whose row does
not exist. With the immediate backend (tests: CTM_TASKS_BACKEND) the job runs at once, in the caller.
docs/decisions/0301-web-server-and-job-queue.md says why this queue and how the worker runs jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django_tasks import task as django_task
from django_tasks.base import Task


@dataclass(frozen=True)
class JobKind:
    task: Task[Any, Any]
    idempotent: bool
    on_interrupted: Callable[[int, bool], None]


JOBS: dict[str, JobKind] = {}  # task path -> kind (filled as the apps' tasks modules are imported)


def job(*, idempotent: bool, on_interrupted: Callable[[int, bool], None]) -> Callable[..., Task[Any, Any]]:
    """Declare a long job: a django-tasks task, with what to do when a restart interrupts it."""

    def declare(func: Callable[..., Any]) -> Task[Any, Any]:
        task: Task[Any, Any] = django_task()(func)
        JOBS[task.module_path] = JobKind(task, idempotent, on_interrupted)
        return task

    return declare


def kind_of(task_path: str) -> JobKind | None:
    return JOBS.get(task_path)


def submit(task: Task[Any, Any], *args: Any) -> None:
    """Queue `task(*args)` in the current transaction (run at once with the immediate backend)."""
    task.enqueue(*args)
