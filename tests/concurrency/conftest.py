"""Two real database connections racing on one row (threads; PostgreSQL).

`race(first, second)` runs `first` in a thread until it is inside its transaction — at its
activity-log write, after its own write — and holds it there a moment, then runs `second` in another
thread. A transition that re-reads its row under `select_for_update` makes `second` wait for `first`
to commit and then see its result; one that trusts the object it was given (or re-reads without a
lock) decides on a stale state.

On SQLite the tests are skipped: it has no row locks (`select_for_update` is a no-op) and CTM opens
every transaction with BEGIN IMMEDIATE, so writers are serialized whole. In CI the PostgreSQL run
executes them (`.ci/run`); under CI=1 with PostgreSQL nothing here skips.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, connections

from ctm.core.models import ActivityLog
from ctm.core.scopes import organization_scope

PAUSE = 0.5  # seconds the first transaction stays open after its write: long enough to overlap


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@pytest.fixture
def two_connections(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (two connections and row locks); SQLite serializes whole transactions "
            "(BEGIN IMMEDIATE), so there is no interleaving to test"
        )


@pytest.fixture
def race(two_connections, monkeypatch):
    def run(first, second, *, organizations) -> tuple[Outcome, Outcome]:
        inside = threading.Event()
        first_thread: dict[str, int] = {}
        original = ActivityLog.save

        def paused_save(self, *args, **kwargs):
            original(self, *args, **kwargs)
            if threading.get_ident() == first_thread.get("id") and not inside.is_set():
                inside.set()
                time.sleep(PAUSE)

        monkeypatch.setattr(ActivityLog, "save", paused_save)
        outcomes = (Outcome(), Outcome())

        def call(fn, outcome, is_first):
            if is_first:
                first_thread["id"] = threading.get_ident()
            try:
                with organization_scope(*organizations):  # a thread starts with no scope at all
                    outcome.value = fn()
            except Exception as exc:
                outcome.error = exc
            finally:
                if is_first:
                    inside.set()
                connections.close_all()

        one = threading.Thread(target=call, args=(first, outcomes[0], True))
        one.start()
        assert inside.wait(30), "the first transition never reached its log write"
        two = threading.Thread(target=call, args=(second, outcomes[1], False))
        two.start()
        one.join(60)
        two.join(60)
        assert not one.is_alive() and not two.is_alive(), "a transition never finished (deadlock?)"
        return outcomes

    return run


def concurrently(n: int, fn, *, organizations) -> list[Outcome]:
    """`fn(i)` in n threads released together (each its own connection)."""
    barrier = threading.Barrier(n)
    outcomes = [Outcome() for _ in range(n)]

    def call(i):
        try:
            barrier.wait(30)
            with organization_scope(*organizations):
                outcomes[i].value = fn(i)
        except Exception as exc:
            outcomes[i].error = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes
