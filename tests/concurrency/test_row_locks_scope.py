"""A row lock locks the row it names, never the rows joined to it.

On PostgreSQL, `SELECT … FOR UPDATE` over a join (Django's `select_for_update()` with `select_related`)
locks the joined rows too: the organization's and the user's. Then every other transaction that
inserts a row pointing at that organization (each activity-log entry of a page of that organization)
waits at its commit for the foreign-key check until the lock is released, and the chain head's lock
closes a deadlock. Seen in the load bench: a linkage run storing its results held its organization for
the whole store and died of "deadlock detected" while caseworkers of that organization read cases.
So every `select_for_update()` that joins names `of=("self",)`."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

SRC = Path(__file__).resolve().parents[2] / "src" / "ctm"


def _locking_statements():
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        for match in re.finditer(r"select_for_update\(([^)]*)\)", text):
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            statement = text[start : end if end != -1 else None]
            yield path.relative_to(SRC), statement.strip(), match.group(1)


def test_every_lock_over_a_join_locks_its_own_row_only():
    joined = [(str(path), line) for path, line, args in _locking_statements()
              if "select_related" in line and "of=" not in args]  # fmt: skip
    assert joined == []


def test_the_scan_sees_the_locks():
    assert sum(1 for _ in _locking_statements()) >= 10


@pytest.mark.django_db(transaction=True)
def test_a_run_storing_its_results_does_not_hold_its_organization(personas):
    """While the linkage run's row is locked as `_store` locks it, another connection can still insert
    rows pointing at the organization (an activity-log entry, as a page's logged read writes)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks over joins: PostgreSQL (SQLite locks the whole database)")
    from ctm.core.domain.activity import record
    from ctm.core.scopes import scopes_disabled
    from ctm.linkage.domain import run_job
    from ctm.linkage.models import LinkageRun

    with scopes_disabled():
        run = LinkageRun.objects.create(organization=personas.org, created_by=personas.data_manager.user,
                                        label="lock", lists=[], status="running", threshold=0.9)  # fmt: skip
    held, done, errors = threading.Event(), threading.Event(), []

    def holder() -> None:
        try:
            with scopes_disabled(), transaction.atomic():
                run_job.lock_for_store(run.pk)
                held.set()
                done.wait(20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(20)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            with transaction.atomic():
                record("cases.case.viewed", actor=personas.caseworker.user, organization=personas.org)
        except Exception as exc:  # a lock timeout: the organization's row is held by the run
            errors.append(type(exc).__name__)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
    finally:
        done.set()
        thread.join(30)
    assert errors == []
