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
