"""Writers appending to the activity log at once, each moving the head by compare-and-set on the hash
it last wrote (decision 0005): the chain never forks, whatever the interleaving."""

from __future__ import annotations

from ctm.core.domain.activity import record, verify_chain
from ctm.core.models import ActivityLog
from tests.concurrency.conftest import concurrently


def test_writers_appending_at_once_leave_one_chain(two_connections, personas):
    def append(i: int) -> None:
        for n in range(6):  # after its first entry each writer knows a head that others keep moving
            record("core.test.entry", actor="test", label=f"writer {i} entry {n}")

    before = ActivityLog.objects.count()
    outcomes = concurrently(4, append, organizations=[personas.org])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert ActivityLog.objects.count() == before + 24
    assert verify_chain()[1] == []


def test_a_writer_does_not_wait_for_the_head_another_writer_holds(two_connections, personas):
    """While one writer holds the head (its entry written, its transaction still open), another's
    compare-and-set skips the locked head at once instead of waiting for it: that writer is about to
    move the head, so the compare-and-set could only fail after the wait (and the lock be waited
    for a second time). The entry of the second writer then chains on the first one's."""
    import threading
    import time

    from django.db import connections, transaction

    from ctm.core import audit_crypto
    from ctm.core.domain import activity
    from ctm.core.models import ChainHead

    head = ChainHead.objects.get(pk=1).last_hash if ChainHead.objects.filter(pk=1).exists() else None
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        try:
            with transaction.atomic():
                record("core.test.entry", actor="test", label="first")
                holding.set()
                release.wait(10)
        finally:
            holding.set()
            connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    try:
        assert holding.wait(10)
        activity._last_head.last_hash = head  # this thread's last hash is the head the first one locked
        entry = ActivityLog(action="core.test.entry", hash="0" * 64, key_id=audit_crypto.current_key_id())
        started = time.monotonic()
        with transaction.atomic():
            moved = activity._advance_head(entry)
        waited = time.monotonic() - started
    finally:
        release.set()
        one.join(30)
    assert moved is False and waited < 1.0  # the old compare-and-set waited here until `release`
    activity._last_head.last_hash = None
    second = record("core.test.entry", actor="test", label="second")
    assert ActivityLog.objects.get(hash=second.prev_hash).object_label == "first"
    assert verify_chain()[1] == []
