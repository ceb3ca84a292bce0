"""Attacks on the activity log's head (decision 0005): a compare-and-set that skips a head another writer
holds (SKIP LOCKED), entries written as a part of the caller's transaction (`atomic(savepoint=False)`).
Writers on their own PostgreSQL connections hold the head, roll back, write outside any transaction and
inside savepoints that roll back, at once: every committed entry is in the chain once, no rolled-back
entry is, the chain verifies, and the head is the last entry."""

from __future__ import annotations

import random
import threading

from django.db import connections, transaction

from ctm.core.domain.activity import record, verify_chain
from ctm.core.models import ActivityLog, ChainHead
from ctm.core.scopes import organization_scope
from tests.concurrency.conftest import concurrently


class Undo(Exception):
    pass


def _entry(label: str) -> ActivityLog:
    return record("core.test.entry", actor="test", label=label)


def _labels() -> list[str]:
    return list(ActivityLog.objects.filter(action="core.test.entry").values_list("object_label", flat=True))


def _one_chain(expected: set[str]) -> None:
    labels = _labels()
    assert len(labels) == len(set(labels)), "an entry written twice"
    assert set(labels) == expected
    problems = verify_chain()[1]
    assert problems == []
    last = ActivityLog.objects.order_by("-id").first()
    assert ChainHead.objects.get(pk=1).last_hash == last.hash


def _thread(target, errors: list[BaseException], organizations) -> threading.Thread:
    def run() -> None:
        try:
            with organization_scope(*organizations):
                target()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def _holder(label: str, *, commit: bool, holding: threading.Event, release: threading.Event):
    """A writer that moves the head inside its transaction and keeps it open until released; then
    commits or rolls back."""

    def run() -> None:
        try:
            with transaction.atomic():
                _entry(label)
                holding.set()
                assert release.wait(20)
                if not commit:
                    raise Undo
        except Undo:
            pass
        finally:
            holding.set()

    return run


def _skipper(written: list[str], started: threading.Event):
    """A writer that has written before (its compare-and-set has a hash to compare) and writes again
    while the head is held: outside any transaction, then inside one."""

    def run() -> None:
        _entry("skipper before")
        written.append("skipper before")
        started.set()
        holding_seen.wait(20)
        _entry("skipper outside a transaction")
        written.append("skipper outside a transaction")
        with transaction.atomic():
            _entry("skipper inside a transaction")
        written.append("skipper inside a transaction")

    holding_seen = threading.Event()
    run.holding_seen = holding_seen  # type: ignore[attr-defined]
    return run


def _race_with_holder(personas, *, commit: bool) -> tuple[list[BaseException], list[str]]:
    errors: list[BaseException] = []
    written: list[str] = []
    holding, release, started = threading.Event(), threading.Event(), threading.Event()
    skipper = _skipper(written, started)
    organizations = [personas.org]
    first = _thread(skipper, errors, organizations)
    first.start()
    assert started.wait(20)  # the skipper's last hash is the head now
    holder = _thread(_holder("held", commit=commit, holding=holding, release=release), errors, organizations)
    holder.start()
    assert holding.wait(20)
    skipper.holding_seen.set()  # type: ignore[attr-defined]  # writes while the head is held: it waits
    first.join(1.0)
    assert first.is_alive(), "the skipper wrote while another writer held the head"
    release.set()
    holder.join(30)
    first.join(30)
    assert not holder.is_alive() and not first.is_alive()
    return errors, written


def test_a_writer_waiting_for_a_held_head_chains_on_the_entry_that_committed(two_connections, personas):
    errors, written = _race_with_holder(personas, commit=True)
    assert errors == []
    _one_chain({*written, "held"})
    held = ActivityLog.objects.get(object_label="held")
    assert ActivityLog.objects.get(object_label="skipper outside a transaction").prev_hash == held.hash


def test_a_writer_waiting_for_a_head_that_rolls_back_chains_on_the_head_before_it(two_connections, personas):
    errors, written = _race_with_holder(personas, commit=False)
    assert errors == []
    _one_chain(set(written))  # "held" was rolled back: not in the chain, nothing chained on it
    before = ActivityLog.objects.get(object_label="skipper before")
    assert ActivityLog.objects.get(object_label="skipper outside a transaction").prev_hash == before.hash


def test_the_holder_that_rolled_back_writes_again_on_the_real_head(two_connections, personas):
    """Its thread remembers the hash of its rolled-back entry: its next compare-and-set must fail and
    its entry chain on the head another writer moved meanwhile."""
    errors: list[BaseException] = []
    holding, release = threading.Event(), threading.Event()
    other_done = threading.Event()

    def holder() -> None:
        _holder("undone", commit=False, holding=holding, release=release)()
        assert other_done.wait(20)
        _entry("holder again")

    t = _thread(holder, errors, [personas.org])
    t.start()
    assert holding.wait(20)
    release.set()
    _entry("meanwhile")  # this thread: waits for the rollback, then moves the head
    other_done.set()
    t.join(30)
    assert errors == []
    _one_chain({"meanwhile", "holder again"})
    assert (
        ActivityLog.objects.get(object_label="holder again").prev_hash
        == ActivityLog.objects.get(object_label="meanwhile").hash
    )


def test_many_writers_committing_rolling_back_and_in_savepoints_leave_one_chain(two_connections, personas):
    """Four writers, each 12 rounds of: an entry outside a transaction, a transaction that commits, one
    that rolls back, a savepoint rolled back inside a transaction that commits (the entry before and
    after it kept, the one inside it gone)."""
    kept: list[set[str]] = [set() for _ in range(4)]

    def write(i: int) -> None:
        rng = random.Random(i)
        for n in range(12):
            kind = rng.choice(["outside", "commit", "rollback", "savepoint"])
            label = f"w{i} n{n} {kind}"
            if kind == "outside":
                _entry(label)
                kept[i].add(label)
            elif kind == "commit":
                with transaction.atomic():
                    _entry(label)
                kept[i].add(label)
            elif kind == "rollback":
                try:
                    with transaction.atomic():
                        _entry(label)
                        raise Undo
                except Undo:
                    pass
            else:
                with transaction.atomic():
                    _entry(label + " before")
                    try:
                        with transaction.atomic():
                            _entry(label + " inside")
                            raise Undo
                    except Undo:
                        pass
                    _entry(label + " after")
                kept[i].update({label + " before", label + " after"})

    outcomes = concurrently(4, write, organizations=[personas.org])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    _one_chain(set().union(*kept))
